"""Which address phones should use to reach this laptop, and the join URL built from it.

The laptop is the server, on the room's Wi-Fi or a phone hotspot, so the join URL needs
the laptop's address on that network. :func:`lan_address` finds it without sending
anything: connecting a UDP socket only asks the kernel which interface (and so which
source address) it would route through. If there is no route at all it falls back to the
addresses the host name resolves to, and gives up with ``None`` rather than offering
``127.0.0.1``, which no phone can reach.

``--public-url`` (a tunnel or a reverse proxy) overrides all of this.

Also here: the short join code people type at the server's root page instead of
scanning (:func:`join_code`, derived from the join token), and the Wi-Fi network phones
join first when the room's own network keeps devices apart (:class:`WifiNetwork`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# Addresses used only to pick a route; nothing is ever sent to them.
_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255", "192.0.2.1")

NO_ADDRESS = (
    "No network address found for this computer, so phones cannot reach it. Join the "
    "room's Wi-Fi or a phone hotspot and start again, or give --public-url."
)


@dataclass(frozen=True)
class JoinLink:
    """Where phones join, or why they cannot.

    ``url`` is ``None`` when no usable address was found; ``problem`` then says why in
    words for the facilitator. ``local_url`` always works on this laptop itself.
    """

    url: str | None
    local_url: str
    problem: str | None = None


@dataclass(frozen=True)
class JoinProblem:
    """Why phones cannot join the run on screen, and what to do about it.

    ``short`` is a few words for the app's title bar ("port 8765 is in use") and
    ``reason`` says it in full. The fix is an option changed when starting again
    (``change``: "with --port 8766", "without --no-server"); a run that has begun is
    continued instead, and ``resume`` is the command that does it with that change.
    ``before`` is something to do first, if anything ("Join the room's Wi-Fi...").
    ``retry_port``: a port that was free a moment ago, which the app may try at once.
    """

    short: str
    reason: str
    change: str
    resume: str | None = None
    before: str = ""
    retry_port: int | None = None

    def fix(self, begun: bool) -> str:
        """What to do, for a run that has begun (its record holds something) or not."""
        quit_ = f"{self.before} Then quit (q)" if self.before else "Quit (q)"
        if begun and self.resume:
            return f"{quit_} and continue this run with:\n  {self.resume}"
        return f"{quit_} and start it again{' ' + self.change if self.change else ''}."


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast)


def lan_address() -> str | None:
    """This computer's IPv4 address on its local network, or ``None`` if it has none."""
    for probe in _PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))  # UDP: sets a route, sends nothing
                address: str = sock.getsockname()[0]  # (host, port) for AF_INET
        except OSError:
            continue
        if _usable(address):
            return address
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        addresses = []
    usable = [a for a in addresses if _usable(a)]
    usable.sort(key=lambda a: not ipaddress.ip_address(a).is_private)  # private first
    return usable[0] if usable else None


def check_public_url(public_url: str) -> str:
    """Return ``public_url`` without a trailing slash; raise ``ValueError`` if unusable."""
    text = public_url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"--public-url must be a full http:// or https:// address such as "
            f"https://workshop.example.org, not '{public_url}'"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"--public-url cannot have a ?query or #fragment: '{public_url}'")
    return text.rstrip("/")


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def join_link(
    token: str, *, port: int, host: str = "0.0.0.0", public_url: str | None = None
) -> JoinLink:
    """The join URL for a server listening on ``host:port`` with join token ``token``.

    ``public_url`` (already checked) wins. A server bound to one specific address uses
    it; one bound to every interface uses :func:`lan_address`. Raises ``ValueError`` for a
    malformed ``public_url``.
    """
    path = f"/j/{token}"
    local_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    local_url = f"http://{_host_for_url(local_host)}:{port}{path}"
    if public_url:
        return JoinLink(f"{check_public_url(public_url)}{path}", local_url)
    if host in ("", "0.0.0.0", "::"):
        address = lan_address()
        if address is None:
            return JoinLink(None, local_url, NO_ADDRESS)
        return JoinLink(f"http://{address}:{port}{path}", local_url)
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return JoinLink(
            None,
            local_url,
            f"The server listens on {host}, which only this computer can reach. Use "
            "--host 0.0.0.0 so phones on the same network can join.",
        )
    return JoinLink(f"http://{_host_for_url(host)}:{port}{path}", local_url)


@dataclass(frozen=True)
class RoomLink:
    """Where the room page is: on this laptop (a projector plugged into it) and, when
    the laptop has a network address, from another screen on the same network."""

    local_url: str
    other_url: str | None


def room_link(token: str, *, port: int, host: str = "0.0.0.0") -> RoomLink:
    """The room page's addresses: the laptop's own, never a ``--public-url`` (a tunnel
    would put the room page on the internet for no one who needs it)."""
    link = join_link(token, port=port, host=host)
    swap = f"/j/{token}"
    return RoomLink(
        link.local_url.replace(swap, f"/room/{token}"),
        link.url.replace(swap, f"/room/{token}") if link.url else None,
    )


# ---------------------------------------------------------------- the short join code

JOIN_CODE_LENGTH = 6
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPRTVWXY34679"
"""Capitals and digits that no one mistakes for another, read off a projector: none of
0/O/Q, 1/I/L, 2/Z, 5/S, 8/B or U/V. 23 symbols to the power 6 is 148 million codes, and
the server's rate limit on wrong codes makes guessing one hopeless."""


def join_code(token: str) -> str:
    """The short code people can type instead of scanning: derived from the join token,
    so a resumed run keeps it and a new join token (a new QR code) makes a new one. A
    hash, so the code does not give away the token's other characters."""
    number = int.from_bytes(hashlib.sha256(f"join-code:{token}".encode()).digest()[:8], "big")
    symbols = []
    for _ in range(JOIN_CODE_LENGTH):
        number, index = divmod(number, len(JOIN_CODE_ALPHABET))
        symbols.append(JOIN_CODE_ALPHABET[index])
    return "".join(symbols)


def typed_code(text: str) -> str:
    """What someone typed, as a code to compare: capitals, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -·.\t")


def spaced_code(code: str) -> str:
    """``ACD EFG``: two groups of three read out and type more easily."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def token_of(join_url: str) -> str | None:
    """The join token at the end of a join URL (``…/j/{token}``), if it has one."""
    head, sep, token = join_url.rstrip("/").rpartition("/j/")
    return token if sep and head and token else None


def root_of(join_url: str) -> str:
    """The address of the server's root page, where the short code is typed."""
    return join_url.rstrip("/").rpartition("/j/")[0] + "/"


# ---------------------------------------------------------------- the Wi-Fi to join first

WIFI_PASSWORD_ENV = "SESSIONKIT_WIFI_PASSWORD"
"""Where ``--wifi`` finds the password when it should not be asked for (never a flag:
a flag stays in the shell's history and shows in every process list)."""

MAX_SSID_BYTES = 32


@dataclass(frozen=True)
class WifiNetwork:
    """The network phones join first (the facilitator's hotspot), as a ``WIFI:`` QR code
    that phone cameras offer to join directly."""

    ssid: str
    password: str = ""
    """Empty for an open network."""

    def __post_init__(self) -> None:
        problem = wifi_problem(self.ssid, self.password)
        if problem:
            raise ValueError(problem)

    def payload(self) -> str:
        """``WIFI:T:WPA;S:<ssid>;P:<password>;;``, the format phone cameras read (from
        ZXing's barcode contents), with ``\\ ; , " :`` escaped by a backslash."""
        if not self.password:
            return f"WIFI:T:nopass;S:{_wifi_escape(self.ssid)};;"
        return f"WIFI:T:WPA;S:{_wifi_escape(self.ssid)};P:{_wifi_escape(self.password)};;"


def _wifi_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in '\\;,":' else ch for ch in text)


def wifi_problem(ssid: str, password: str) -> str | None:
    """Why this network name or password cannot go in a Wi-Fi code, or ``None``."""
    if not ssid.strip():
        return "--wifi needs the network's name (SSID)"
    if len(ssid.encode("utf-8")) > MAX_SSID_BYTES:
        return f"--wifi: a network name is at most {MAX_SSID_BYTES} bytes, not '{ssid}'"
    for what, text in (("network name", ssid), ("password", password)):
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
            return f"--wifi: the {what} contains control characters"
    if password and not (8 <= len(password) <= 63 or re.fullmatch(r"[0-9A-Fa-f]{64}", password)):
        return (
            f"the Wi-Fi password has {len(password)} characters; a WPA password has 8 to 63 "
            "(leave it empty for an open network)"
        )
    return None

"""Which address phones should use to reach this laptop, and the join URL built from it.

The laptop is the server, on the room's Wi-Fi or a phone hotspot, so the join URL needs
the laptop's address on that network. :func:`lan_address` finds it without sending
anything: connecting a UDP socket only asks the kernel which interface (and so which
source address) it would route through. If there is no route at all it falls back to the
addresses the host name resolves to, and gives up with ``None`` rather than offering
``127.0.0.1``, which no phone can reach.

``--public-url`` (a tunnel or a reverse proxy) overrides all of this.
"""

from __future__ import annotations

import ipaddress
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

"""`sessionkit doctor`: can phones reach this computer, and if not, what to try.

It reports the addresses phones could use (one per network this computer is on, the one
the join link would use marked), whether the port answers on each of them from this
computer itself, and the firewall's state where it can tell without root (ufw,
firewalld, nft, iptables; "could not tell" otherwise). Then it explains the two ways
round a network that keeps devices apart: your own hotspot (``--wifi``) and
``--public-url``. Nothing is sent off this computer.

Reaching the port from this computer's own addresses shows that the server can listen
there; it cannot show that a phone can: a guest network that isolates devices, or a
firewall that lets this computer talk to itself, still stops phones. Hence the advice.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import re
import shutil
import socket
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sessionkit.netaddr import WIFI_PASSWORD_ENV, lan_address

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]

PROBE_SECONDS = 1.0


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``doctor``."""
    parser = subcommands.add_parser(
        "doctor",
        help="check that phones can reach this computer, and what to do if not",
        description="Report the addresses phones could use, whether the participant "
        "server's port answers on them (from this computer), and the firewall's state "
        "where it can tell; then explain the hotspot (--wifi) and --public-url options.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, metavar="PORT", help="the port to check (8765)"
    )
    parser.set_defaults(handler=run)


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=5, check=False)


# ---------------------------------------------------------------- addresses


@dataclass(frozen=True)
class Address:
    address: str
    interface: str = ""


def _usable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def parse_ip_addr(output: str) -> list[Address]:
    """The usable IPv4 addresses in ``ip -o -4 addr show``'s output."""
    found = []
    for line in output.splitlines():
        match = re.match(r"\d+:\s+(\S+)\s+inet\s+([0-9.]+)/", line)
        if match and _usable(match.group(2)):
            found.append(Address(match.group(2), match.group(1)))
    return found


def addresses(run: Runner = _run) -> list[Address]:
    """This computer's IPv4 addresses phones might use: from ``ip`` where it exists,
    else the one the join link would use (and what the host name resolves to)."""
    if shutil.which("ip"):
        try:
            done = run(["ip", "-o", "-4", "addr", "show"])
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and done.returncode == 0:
            found = parse_ip_addr(done.stdout)
            if found:
                return found
    found = []
    chosen = lan_address()
    if chosen:
        found.append(Address(chosen))
    try:
        _, _, named = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        named = []
    found += [Address(a) for a in named if _usable(a) and a != chosen]
    return found


# ---------------------------------------------------------------- the port


def probe(address: str, port: int) -> str:
    """``reachable``, ``refused`` or ``no answer`` for a TCP connection to it."""
    try:
        with socket.create_connection((address, port), timeout=PROBE_SECONDS):
            return "reachable"
    except ConnectionRefusedError:
        return "refused"
    except OSError:
        return "no answer"


def check_port(port: int, found: Sequence[Address]) -> tuple[str, int, list[tuple[str, str]]]:
    """(what listens on the port, the port, each address's answer). A free port is
    listened on for the moment of the check (on every address, as sessionkit does);
    a port in use is probed as it is (perhaps sessionkit is running)."""
    listener: socket.socket | None = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert listener is not None
    try:
        listener.bind(("0.0.0.0", port))
        listener.listen(8)
        state = "free (listened on for this check)"
        port = listener.getsockname()[1]
    except OSError as error:
        listener.close()
        listener = None
        if error.errno != errno.EADDRINUSE:
            return (f"cannot be listened on: {error.strerror or error}", port, [])
        state = "in use by another program (perhaps sessionkit is running)"
    try:
        return state, port, [(a.address, probe(a.address, port)) for a in found]
    finally:
        if listener is not None:
            listener.close()


# ---------------------------------------------------------------- the firewall


def firewall_state(
    run: Runner = _run,
    which: Callable[[str], str | None] = shutil.which,
    read: Callable[[Path], str] = lambda path: path.read_text(encoding="utf-8"),
) -> list[str]:
    """One line per firewall tool found, saying what it could tell without root."""
    lines = []

    def ask(command: Sequence[str]) -> subprocess.CompletedProcess[str] | None:
        try:
            return run(command)
        except (OSError, subprocess.SubprocessError):
            return None

    if which("ufw"):
        done = ask(["ufw", "status"])
        if done is not None and done.returncode == 0 and "Status:" in done.stdout:
            status = done.stdout.split("Status:", 1)[1].split()[0]
            lines.append(f"ufw: {status}")
        else:
            try:  # readable without root, where ufw keeps whether it is on
                enabled = re.search(r"^ENABLED=(\w+)", read(Path("/etc/ufw/ufw.conf")), re.M)
            except OSError:
                enabled = None
            if enabled:
                on = enabled.group(1).lower() == "yes"
                lines.append(f"ufw: {'active' if on else 'inactive'} (from /etc/ufw/ufw.conf)")
            else:
                lines.append("ufw: installed; could not tell whether it is on (needs root)")
    if which("firewall-cmd"):
        done = ask(["firewall-cmd", "--state"])
        said = (done.stdout or done.stderr).strip() if done is not None else ""
        lines.append(f"firewalld: {said}" if said else "firewalld: could not tell")
    for tool, command in (("nft", ["nft", "list", "ruleset"]), ("iptables", ["iptables", "-S"])):
        if not which(tool):
            continue
        done = ask(command)
        if done is None or done.returncode != 0:
            lines.append(f"{tool}: could not tell (reading its rules needs root)")
            continue
        rules = [r for r in done.stdout.splitlines() if r.strip() and not r.startswith("#")]
        drops = [r for r in rules if re.search(r"\b(drop|reject|DROP|REJECT)\b", r)]
        if tool == "iptables":
            drops += [r for r in rules if re.match(r"-P INPUT (DROP|REJECT)", r)]
        if drops:
            lines.append(f"{tool}: has rules that drop or reject traffic; check the port is let in")
        else:
            lines.append(f"{tool}: no rules that drop or reject traffic")
    if not lines:
        lines.append("could not tell: none of ufw, firewalld, nft or iptables was found")
    return lines


# ---------------------------------------------------------------- the report


ADVICE = f"""If phones cannot reach this computer
  Many guest and public-sector networks keep devices apart ("client isolation"): every
  check above can pass and phones still not connect. Two ways round it:
  - Your own hotspot: share your phone's connection (or start a hotspot on this
    computer), join this computer to it, and run with --wifi NAME. The room view then
    shows a code that joins phones to the hotspot first, then the join code. The
    password is asked for, or read from ${WIFI_PASSWORD_ENV} (never an option).
  - --public-url https://...: when phones reach this computer through a tunnel or a
    reverse proxy (e.g. a Cloudflare or ngrok tunnel to port PORT), give the address
    phones use; the QR code and the short code's page point there.
  A firewall that is on must let TCP port PORT in (e.g. sudo ufw allow PORT/tcp)."""


def report(port: int, run: Runner = _run) -> tuple[list[str], bool]:
    """The report's lines, and whether phones look able to reach this computer."""
    found = addresses(run)
    chosen = lan_address()
    lines = ["Addresses phones could use"]
    if not found:
        lines.append("  none: this computer is on no network. Join the room's Wi-Fi or a hotspot.")
    for each in found:
        where = f" ({each.interface})" if each.interface else ""
        mark = "  <- the join link uses this one" if each.address == chosen else ""
        lines.append(f"  http://{each.address}:{port}/{where}{mark}")
    state, port, answers = check_port(port, found)
    lines += ["", f"Port {port}: {state}"]
    for address, answer in answers:
        lines.append(f"  {address}: {answer} from this computer")
    lines += ["", "Firewall"] + [f"  {line}" for line in firewall_state(run)]
    lines += ["", ADVICE.replace("PORT", str(port))]
    ok = bool(found) and any(answer == "reachable" for _, answer in answers)
    return lines, ok


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        print(f"sessionkit doctor: --port must be 0 to 65535, not {args.port}.")
        return 2
    lines, ok = report(args.port)
    print("\n".join(lines))
    return 0 if ok else 1

"""`sessionkit doctor`: the addresses phones could use, whether the port answers on
them, the firewall's state where it can tell without root, and the advice."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from sessionkit.cli import doctor, main

IP_ADDR = """\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
3: wlp2s0    inet 192.168.43.17/24 brd 192.168.43.255 scope global dynamic wlp2s0\\       valid_lft 3590sec
4: eth0    inet 169.254.3.9/16 brd 169.254.255.255 scope link eth0\\       valid_lft forever
5: tun0    inet 10.8.0.2/24 scope global tun0\\       valid_lft forever preferred_lft forever
"""


def answers(table: dict[str, tuple[int, str, str]]):
    """A fake ``subprocess.run``: the command's first two words -> (code, out, err)."""

    def run(command):
        code, out, err = table.get(" ".join(command[:2]), (1, "", "not found"))
        return subprocess.CompletedProcess(list(command), code, out, err)

    return run


def test_addresses_leave_out_loopback_and_link_local() -> None:
    found = doctor.parse_ip_addr(IP_ADDR)
    assert found == [doctor.Address("192.168.43.17", "wlp2s0"), doctor.Address("10.8.0.2", "tun0")]


def test_the_port_is_probed_on_this_computers_addresses() -> None:
    here = [doctor.Address("127.0.0.1")]
    state, port, result = doctor.check_port(0, here)  # free: listened on for the check
    assert state.startswith("free") and port > 0 and result == [("127.0.0.1", "reachable")]
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        state, _, result = doctor.check_port(port, here)
        assert "in use by another program" in state and result == [("127.0.0.1", "reachable")]
    with socket.socket() as closed:  # bound, never listening: nothing answers there
        closed.bind(("127.0.0.1", 0))
        assert doctor.probe("127.0.0.1", closed.getsockname()[1]) == "refused"


def test_the_firewall_is_told_where_it_can_be_and_could_not_tell_otherwise() -> None:
    def which(found):
        return lambda name: f"/usr/sbin/{name}" if name in found else None

    def no_file(path: Path) -> str:
        raise PermissionError(13, "Permission denied")

    refused = (1, "", "ERROR: You need to be root to run this script")
    run = answers({"ufw status": refused, "nft list": (1, "", "Operation not permitted")})
    lines = doctor.firewall_state(run, which({"ufw", "nft"}), no_file)
    assert lines == [
        "ufw: installed; could not tell whether it is on (needs root)",
        "nft: could not tell (reading its rules needs root)",
    ]
    lines = doctor.firewall_state(run, which({"ufw"}), lambda p: "# ufw\nENABLED=yes\n")
    assert lines == ["ufw: active (from /etc/ufw/ufw.conf)"]
    as_root = answers(
        {
            "ufw status": (0, "Status: inactive\n", ""),
            "iptables -S": (0, "-P INPUT DROP\n-P FORWARD ACCEPT\n", ""),
            "firewall-cmd --state": (252, "", "not running"),
        }
    )
    lines = doctor.firewall_state(as_root, which({"ufw", "iptables", "firewall-cmd"}), no_file)
    assert lines == [
        "ufw: inactive",
        "firewalld: not running",
        "iptables: has rules that drop or reject traffic; check the port is let in",
    ]
    assert doctor.firewall_state(run, which(set()), no_file) == [
        "could not tell: none of ufw, firewalld, nft or iptables was found"
    ]


def test_the_report_lists_addresses_port_firewall_and_the_ways_round(monkeypatch, capsys) -> None:
    monkeypatch.setattr(doctor, "addresses", lambda run: [doctor.Address("127.0.0.1", "lo")])
    monkeypatch.setattr(doctor, "lan_address", lambda: "127.0.0.1")
    monkeypatch.setattr(doctor, "firewall_state", lambda run: ["ufw: inactive"])
    assert main(["doctor", "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert "Addresses phones could use" in out
    assert "<- the join link uses this one" in out and "127.0.0.1: reachable" in out
    assert "Firewall\n  ufw: inactive" in out
    assert "--wifi NAME" in out and "--public-url https://" in out
    assert "client isolation" in out
    monkeypatch.setattr(doctor, "addresses", lambda run: [])
    assert main(["doctor", "--port", "0"]) == 1  # no network: phones cannot reach it
    assert "none: this computer is on no network" in capsys.readouterr().out
    assert main(["doctor", "--port", "70000"]) == 2

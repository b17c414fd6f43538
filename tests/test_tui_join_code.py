"""The room view's join panel: the short code in big letters (and in one line on a short
screen), a new code after C, and with --wifi a ``WIFI:`` QR code before the join code,
read off the screen and decoded by zxing-cpp as a phone camera would.
"""

from __future__ import annotations

import argparse

import pytest
import zxingcpp
from rich.style import Style

from sessionkit.cli.run import wifi_from_args
from sessionkit.core.engine import Engine
from sessionkit.netaddr import WIFI_PASSWORD_ENV, WifiNetwork, join_code, spaced_code
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.widgets.big_code import big_lines
from test_qr import cells_to_image
from test_tui import JOIN, FakeClock, make_app, squeezed, squeezed_screen

CODE = spaced_code(join_code("Zx81kQ"))  # JOIN's token
WIFI = WifiNetwork('Town Hall; "guest"', "p:a,s\\s;word")
NEW_JOIN = "http://192.168.1.20:8000/j/NewCode42"


@pytest.fixture
def engine() -> Engine:
    return Engine(sample_plan(), sample_methods(), clock=FakeClock())


def screen_text(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def words(app, *widget_ids: str) -> str:
    """What these widgets say (squeezed: the panel wraps its lines where it must)."""
    return squeezed(" ".join(str(app.screen.query_one(w).render()) for w in widget_ids))


def on_screen(app, widget_id: str) -> bool:
    region = app.screen.query_one(widget_id).region
    return 0 < region.width and 0 < region.height and region.right <= app.size.width


def decode_region(app, widget_id: str) -> list[str]:
    """The cells a widget occupies on screen, painted as pixels and decoded."""
    region = app.screen.query_one(widget_id).region
    rows = []
    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]:
        cells = [(ch, seg.style or Style()) for seg in strip for ch in seg.text]
        rows.append(cells[region.x : region.right])
    return [barcode.text for barcode in zxingcpp.read_barcodes(cells_to_image(rows))]


async def test_the_room_view_shows_the_short_code_big_and_where_to_type_it(engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        lines = screen_text(app)
        shown = squeezed("".join(lines))
        assert squeezed(f"Or go to http://192.168.1.20:8000/ and type the code {CODE}") in shown
        big = big_lines(CODE)
        assert any(big[0] in line for line in lines) and any(big[1] in line for line in lines)
        assert decode_region(app, "#room-qr") == [JOIN]


async def test_a_short_screen_gives_the_code_in_one_line_on_top(engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert squeezed(f"or type {CODE} at http://192.168.1.20:8000/") in words(app, "#room-url")
        assert on_screen(app, "#room-url")
        assert not any(big_lines(CODE)[0] in line for line in screen_text(app))


async def test_a_new_join_code_shows_a_new_short_code(engine) -> None:
    app = make_app(engine, new_join_code=lambda _engine: NEW_JOIN)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("C", "y")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        shown = squeezed_screen(app)
        new = spaced_code(join_code("NewCode42"))
        assert new != CODE and squeezed(f"type the code {new}") in shown
        assert squeezed(CODE) not in shown


async def test_the_wifi_code_comes_first_and_joins_the_network(engine) -> None:
    app = make_app(engine, wifi=WIFI)
    async with app.run_test(size=(160, 50)) as pilot:  # wide enough for both, side by side
        await pilot.press("j")
        await pilot.pause()
        wifi, join = app.screen.query_one("#room-wifi"), app.screen.query_one("#room-session")
        assert wifi.region.right <= join.region.x  # the Wi-Fi's first, on the left
        [payload] = decode_region(app, "#room-wifi-qr")
        assert payload == 'WIFI:T:WPA;S:Town Hall\\; \\"guest\\";P:p\\:a\\,s\\\\s\\;word;;'
        assert "S:Town Hall" in payload
        assert decode_region(app, "#room-qr") == [JOIN]
        assert words(app, "#room-wifi-text") == squeezed(
            'First, join the Wi-Fi: Town Hall; "guest" Password: p:a,s\\s;word'
        )
        assert squeezed("Then join the session:") in words(app, "#room-url")


async def test_on_a_narrow_screen_j_steps_from_the_wifi_to_the_session(engine) -> None:
    app = make_app(engine, wifi=WifiNetwork("Hotspot"))  # open: no password
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert words(app, "#room-wifi-text") == squeezed("First, join the Wi-Fi: Hotspot")
        assert on_screen(app, "#room-wifi-text")
        assert decode_region(app, "#room-wifi-qr") == ["WIFI:T:nopass;S:Hotspot;;"]
        assert not app.screen.query_one("#room-session").display
        await pilot.press("j")
        await pilot.pause()
        assert not app.screen.query_one("#room-wifi").display
        assert squeezed("Then join the session:") in words(app, "#room-url")
        assert decode_region(app, "#room-url") == []  # (the code is under the address)
        await pilot.press("j")
        await pilot.pause()
        assert not app.screen.query_one("#room-join").display
        await pilot.press("j")  # and round again, from the Wi-Fi
        await pilot.pause()
        assert app.screen.query_one("#room-wifi").display
        assert not app.screen.query_one("#room-session").display


def test_the_wifi_password_comes_from_the_environment_never_a_flag(monkeypatch) -> None:
    monkeypatch.setenv(WIFI_PASSWORD_ENV, "sunny-day-42")
    assert wifi_from_args(argparse.Namespace(wifi="Hotspot")) == WifiNetwork(
        "Hotspot", "sunny-day-42"
    )
    assert wifi_from_args(argparse.Namespace(wifi=None)) is None
    monkeypatch.setenv(WIFI_PASSWORD_ENV, "short")
    with pytest.raises(ValueError, match="has 5 characters; a WPA password has 8 to 63"):
        wifi_from_args(argparse.Namespace(wifi="Hotspot"))
    monkeypatch.delenv(WIFI_PASSWORD_ENV)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(ValueError, match=f"set \\${WIFI_PASSWORD_ENV}"):
        wifi_from_args(argparse.Namespace(wifi="Hotspot"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "typed-password")
    assert wifi_from_args(argparse.Namespace(wifi="Hotspot")).password == "typed-password"


def test_a_bad_wifi_name_is_refused_before_the_app_starts(monkeypatch, capsys) -> None:
    from sessionkit.cli import main

    monkeypatch.setenv(WIFI_PASSWORD_ENV, "")
    assert main(["run", "--sample", "--wifi", "x" * 40]) == 1
    assert "a network name is at most 32 bytes" in capsys.readouterr().err


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_a_join_address_too_long_for_its_line_gives_way_to_the_short_code(
    engine, size: tuple[int, int]
) -> None:
    """Wrapped onto two lines, an address cannot be typed: the short code is, at the root
    address (on a line of its own), and the QR code still holds the whole address."""
    long_url = "https://knot-2026-room.trycloudflare.com/j/cmlW1pI-9jM0s34Y3jIgPA"
    code = spaced_code(join_code("cmlW1pI-9jM0s34Y3jIgPA"))
    app = make_app(engine, join_url=long_url)
    async with app.run_test(size=size) as pilot:
        await pilot.press("j")
        await pilot.pause()
        lines = screen_text(app)
        assert not any("cmlW1pI" in line for line in lines)
        assert any("https://knot-2026-room.trycloudflare.com/" in line for line in lines)
        assert squeezed(code) in squeezed("".join(lines))
        assert on_screen(app, "#room-url")
        if size == (160, 50):
            assert decode_region(app, "#room-qr") == [long_url]

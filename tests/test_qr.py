"""The join QR code scans: from the half-block text, from a real Textual screen, and
from the SVG and PNG files, each decoded by zxing-cpp as a phone's camera would."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from rich.console import Console
from rich.style import Style

from sessionkit import qr

zxingcpp = pytest.importorskip("zxingcpp")

URL = "http://192.168.100.123:8765/j/Ab3dEf6hIj9kLm2nOp5qRs8tUv-wXy"  # 60 characters
assert len(URL) == 60

SCALE = 8


def _rgb(color) -> tuple[int, int, int]:
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def cells_to_image(rows: list[list[tuple[str, Style]]]) -> Image.Image:
    """Paint terminal cells as pixels: a cell is one module wide and two tall (``▀``:
    foreground on top, background below), then scale up as a camera would see it."""
    width = max(len(r) for r in rows)
    image = Image.new("RGB", (width, len(rows) * 2), (255, 255, 255))
    pixels = image.load()
    for y, row in enumerate(rows):
        for x, (char, style) in enumerate(row):
            top = _rgb(style.color) if style.color else (255, 255, 255)
            bottom = _rgb(style.bgcolor) if style.bgcolor else (255, 255, 255)
            if char == " ":
                top = bottom
            elif char == "▄":
                top, bottom = bottom, top
            elif char == "█":
                bottom = top
            pixels[x, 2 * y] = top
            pixels[x, 2 * y + 1] = bottom
    return image.resize((image.width * SCALE, image.height * SCALE), Image.NEAREST)


def decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def segments_to_rows(segments) -> list[list[tuple[str, Style]]]:
    rows: list[list[tuple[str, Style]]] = [[]]
    for segment in segments:
        for char in segment.text:
            if char == "\n":
                rows.append([])
            else:
                rows[-1].append((char, segment.style or Style()))
    return [r for r in rows if r]


def test_half_block_text_scans():
    console = Console(width=200, color_system="truecolor")
    rows = segments_to_rows(qr.qr_text(URL).render(console))
    assert {char for row in rows for char, _ in row} == {"▀"}
    assert decode(cells_to_image(rows)) == [URL]


def test_fits_a_small_terminal():
    columns, lines = qr.size(URL)
    assert columns <= 80
    assert lines + 1 <= 23  # the code plus the URL line under it, in 80x24
    text = qr.qr_text(URL)
    assert len(text.plain.splitlines()) == lines
    assert all(len(line) == columns for line in text.plain.splitlines())


def test_scans_from_a_textual_screen():
    """Mount the code in an 80x24 Textual app and decode what the compositor puts on
    screen: the cells the terminal would show, with the colours Textual gives them."""
    textual = pytest.importorskip("textual")
    del textual
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class QrApp(App[None]):
        CSS = "Screen { background: #202020; } #code { width: auto; height: auto; }"

        def compose(self) -> ComposeResult:
            yield Static(qr.qr_text(URL), id="code")
            yield Static(URL, markup=False)

    async def screen_rows() -> list[list[tuple[str, Style]]]:
        app = QrApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            strips = app.screen._compositor.render_strips()
        rows = []
        for strip in strips:
            row = []
            for segment in strip:
                for char in segment.text:
                    row.append((char, segment.style or Style()))
            rows.append(row)
        return rows

    rows = asyncio.run(screen_rows())
    # Keep only the rows that hold the code, cropped to its columns.
    code_rows = [r for r in rows if any(ch == "▀" for ch, _ in r)]
    columns, lines = qr.size(URL)
    assert len(code_rows) == lines
    start = min(next(i for i, (ch, _) in enumerate(r) if ch == "▀") for r in code_rows)
    cropped = [r[start : start + columns] for r in code_rows]
    assert decode(cells_to_image(cropped)) == [URL]
    # The URL is on screen as text, right under the code.
    texts = ["".join(ch for ch, _ in r) for r in rows]
    assert any(URL in line for line in texts)


def svg_to_image(svg: str) -> Image.Image:
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    dark = svg.split('<g fill="#000000">', 1)[1]
    for x, y, w, h in re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/>', dark):
        x, y, w, h = int(x), int(y), int(w), int(h)
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=(0, 0, 0))
    return image


def test_svg_and_png_files_scan(tmp_path: Path):
    svg_path = qr.write(URL, tmp_path / "join.svg")
    png_path = qr.write(URL, tmp_path / "join.png")
    assert decode(svg_to_image(svg_path.read_text(encoding="utf-8"))) == [URL]
    assert decode(Image.open(png_path).convert("RGB")) == [URL]


def test_cli_writes_files_and_reports_errors(tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sessionkit", "qr", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run(URL, "--svg", str(tmp_path / "a.svg"), "--png", str(tmp_path / "a.png"))
    assert done.returncode == 0, done.stderr
    assert decode(Image.open(tmp_path / "a.png").convert("RGB")) == [URL]
    assert decode(svg_to_image((tmp_path / "a.svg").read_text(encoding="utf-8"))) == [URL]
    plain = run(URL)  # stdout is a pipe here: the URL, and a word about why no code
    assert plain.returncode == 0 and plain.stdout.strip() == URL
    assert "--svg" in plain.stderr
    wrong = run(URL, "--png", str(tmp_path / "a.jpg"))
    assert wrong.returncode == 2 and "should end in .png" in wrong.stderr
    missing = run(URL, "--png", str(tmp_path / "no" / "such" / "dir.png"))
    assert missing.returncode == 1 and "could not write" in missing.stderr
    empty = run("")
    assert empty.returncode == 2 and "empty" in empty.stderr
    huge = run("http://x/" + "a" * 3000)
    assert huge.returncode == 2 and "shorter link" in huge.stderr


def test_cli_draws_the_code_on_a_terminal(monkeypatch, capsys):
    """With a (pretend) colour terminal, the printed cells scan and the URL follows."""
    import argparse

    from sessionkit.cli import qr as cli_qr

    recorded = Console(width=100, color_system="truecolor", force_terminal=True, record=True)
    monkeypatch.setattr("rich.console.Console", _console_factory(recorded))
    status = cli_qr.run(argparse.Namespace(url=URL, svg=None, png=None))
    assert status == 0
    segments = list(recorded._record_buffer)
    rows = segments_to_rows(segments)
    code_rows = [r for r in rows if r and r[0][0] == "▀"]
    assert decode(cells_to_image(code_rows)) == [URL]
    assert "".join(ch for ch, _ in rows[-1]).strip() == URL


def _console_factory(recorded: Console):
    real = Console

    def make(*args, **kwargs):
        if kwargs.get("stderr"):
            return real(*args, **kwargs)
        return recorded

    return make


def test_the_plain_install_brings_what_png_output_needs() -> None:
    """``sessionkit qr --png`` uses Pillow through qrcode; the README's first command
    installs no test extras, so the package itself must ask for it."""
    from importlib.metadata import requires

    wanted = [r for r in requires("sessionkit") or [] if r.startswith("qrcode")]
    assert wanted and "[pil]" in wanted[0] and "extra ==" not in wanted[0], wanted

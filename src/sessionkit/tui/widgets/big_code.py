"""The short join code in letters big enough to read from the back of a room.

A 5x5 pixel font drawn with half blocks (two pixel rows per terminal line, as the QR
code is), so a letter is 5 columns by 3 lines. Only the join code's own symbols
(:data:`sessionkit.netaddr.JOIN_CODE_ALPHABET`) have shapes: that alphabet leaves out
the look-alikes, so the shapes can be plain. Drawn in the theme's text colour, with the
code also given as ordinary text beside it for anyone who cannot read block letters.
"""

from __future__ import annotations

from textual.content import Content

_FONT = {
    "A": (".###.", "#...#", "#####", "#...#", "#...#"),
    "C": (".####", "#....", "#....", "#....", ".####"),
    "D": ("####.", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "####.", "#....", "#####"),
    "F": ("#####", "#....", "####.", "#....", "#...."),
    "G": (".####", "#....", "#..##", "#...#", ".####"),
    "H": ("#...#", "#...#", "#####", "#...#", "#...#"),
    "J": ("..###", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "###..", "#..#.", "#...#"),
    "M": ("#...#", "##.##", "#.#.#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#"),
    "P": ("####.", "#...#", "####.", "#....", "#...."),
    "R": ("####.", "#...#", "####.", "#..#.", "#...#"),
    "T": ("#####", "..#..", "..#..", "..#..", "..#.."),
    "V": ("#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", ".#.#.", "..#..", ".#.#.", "#...#"),
    "Y": ("#...#", ".#.#.", "..#..", "..#..", "..#.."),
    "3": ("####.", "....#", ".###.", "....#", "####."),
    "4": ("#..#.", "#..#.", "#####", "...#.", "...#."),
    "6": (".###.", "#....", "####.", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", "..#.."),
    "9": (".###.", "#...#", ".####", "....#", ".###."),
    " ": (".....",) * 5,
}
_HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def big_lines(text: str) -> list[str]:
    """``text`` (the code's symbols and spaces) as three lines of block letters, one
    column between letters; a symbol the font lacks is drawn as a space."""
    glyphs = [_FONT.get(ch, _FONT[" "]) for ch in text.upper()]
    rows = [".".join(glyph[r] for glyph in glyphs) for r in range(5)]
    rows.append("." * len(rows[0]))  # five rows fill two lines and the top of a third
    return [
        "".join(_HALVES[(a == "#", b == "#")] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    ]


def big_code(text: str, style: str = "bold") -> Content:
    """The block letters as Content (no markup is parsed: the text is ours anyway)."""
    return Content("\n".join(big_lines(text))).stylize(style)


def width(text: str) -> int:
    """Columns the block letters of ``text`` take."""
    return len(big_lines(text)[0]) if text else 0

"""Drawing one board row as Content, shared by the facilitator's board and the room view.

Styles are named ``.board--*`` component classes (defined in ``sessionkit.tcss``), which
Content resolves through the widget that renders it, so the look lives in the stylesheet.
Every piece of note, label or cluster text goes through :mod:`sessionkit.tui.safe`.
"""

from __future__ import annotations

from textual.content import Content

from sessionkit.core.state import FACILITATOR, REMOVED_TEXT, Note
from sessionkit.tui.board_model import Group, Row
from sessionkit.tui.safe import one_line

REMOVED_STYLE = "dim italic"
"""How ``[removed by the facilitator]`` is drawn where a text was removed."""
BAR = "█"
PARTIAL = " ▏▎▍▌▋▊▉"


def bar(value: int, most: int, width: int) -> Content:
    """A horizontal bar of ``width`` cells for ``value`` out of ``most`` (eighth-cell steps)."""
    if width <= 0:
        return Content("")
    eighths = round(8 * width * value / most) if most else 0
    full, part = divmod(eighths, 8)
    text = BAR * full + (PARTIAL[part] if part else "")
    return Content.styled(text, ".board--bar").pad_right(width - len(text))


def fit(content: Content, width: int) -> Content:
    """Exactly ``width`` cells: cut with an ellipsis or padded with spaces."""
    if width <= 0:
        return Content("")
    return content.truncate(width, ellipsis=True, pad=True)


def section_content(row: Row, width: int, *, room: bool = False) -> Content:
    group, count = row.ref
    assert isinstance(group, Group)
    label = one_line(group.label, "bold")
    if group.parking and group.label.strip().casefold() != "parking lot":
        label = Content.assemble(("Parking lot: ", ".board--muted"), label)
    chip = (
        Content.styled("▌", group.colour) if group.colour else Content.styled("▌", ".board--chip")
    )
    tail = Content.styled(f"  {count}", ".board--muted")
    # A long label is cut, never the count after it; the cluster's name, never its id.
    room_for_label = width - 2 - tail.cell_length
    if label.cell_length > room_for_label:
        label = fit(label, max(1, room_for_label))
    return fit(Content.assemble(chip, " ", label, tail), width)


def note_content(
    note: Note,
    width: int,
    *,
    selected: bool,
    private: bool,
    indent: int = 1,
    colour: str | None = None,
    picked: bool = False,
) -> Content:
    mark = Content.styled("● ", ".board--mark") if selected else Content("  ")
    if colour and not selected:  # the note's kind, where it is not its section's
        mark = Content.styled("▪ ", colour)
    meta_parts = []
    if note.hidden:
        meta_parts.append(("hidden", ".board--warning"))
    if picked:
        meta_parts.append(("★ picked", ".board--mark"))
    if note.author == FACILITATOR and note.group is not None:
        # a group's list is written on phones: say which notes came in on paper
        meta_parts.append(("paper", ".board--muted"))
    if note.author_name:
        meta_parts.append((note.author_name, ".board--muted"))
    meta = Content(" ")  # never the note's internal id (n6): people know notes by their words
    for part, part_style in meta_parts:
        meta += one_line(part, part_style) + " "
    meta = meta.right_crop(1)
    style = ".board--hidden" if note.hidden else ".board--private" if private else ""
    if note.redacted is not None and not note.hidden:
        style = REMOVED_STYLE
    text = one_line(note.text, style)
    room_for_text = width - indent - 2 - meta.cell_length
    if room_for_text < 12:  # very narrow: drop the meta rather than the note
        meta, room_for_text = Content(""), width - indent - 2
    return Content(" " * indent) + mark + fit(text, room_for_text) + meta


BAR_MIN = 8
"""A bar chart's bars get at least this many cells, or a quarter of the width."""


def label_width(width: int, longest: int | None = None) -> int:
    """The label column of a bar chart ``width`` cells wide: as wide as the ``longest``
    label (all of them, when not known), leaving the bars their least (:data:`BAR_MIN`).
    The labels share one column so that the bars start together and compare."""
    room = width - 6 - max(BAR_MIN, width // 4)
    return max(10, room if longest is None else min(room, max(longest, 10)))


def vote_label(label: str) -> Content:
    """What is voted on, on one line (a removed text drawn as removed)."""
    return one_line(label, REMOVED_STYLE if label == REMOVED_TEXT else "")


def target_label(row: Row) -> Content:
    """A vote target's label with what it holds ("3 notes"), on one line."""
    (label, extra), _dots = row.ref
    text = vote_label(label)
    if extra:
        text = text + Content.styled(f"  {extra}", ".board--muted")
    return text


def scale_label(row: Row) -> Content:
    value, label, _count = row.ref
    return Content.styled(f"{value:>3} ", "bold") + one_line(label)


def longest_label(rows: list[Row]) -> int | None:
    """The widest vote or rating label among ``rows`` in cells (None: there is none)."""
    widths = [
        (target_label(row) if row.kind == "target" else scale_label(row)).cell_length
        for row in rows
        if row.kind in ("target", "scale")
    ]
    return max(widths, default=None)


def bar_line(label: Content, labels: int, count: int, most: int, width: int) -> Content:
    """One line of a bar chart: ``label`` in a column ``labels`` wide (cut with "…" if
    longer), the bar, the count."""
    return Content.assemble(
        " ",
        fit(label, labels),
        " ",
        bar(count, most, width - labels - 6),
        Content.styled(f"{count:>3}", "bold"),
        " ",
    )


def target_content(row: Row, width: int, most: int, labels: int | None = None) -> Content:
    labels = labels or label_width(width)
    text = target_label(row)
    (label, extra), dots = row.ref
    if extra and text.cell_length > labels:  # cut the label, not what it holds
        held = Content.styled(f"  {extra}", ".board--muted")
        text = fit(vote_label(label), max(1, labels - held.cell_length)) + held
    return bar_line(text, labels, dots, most, width)


def scale_content(row: Row, width: int, most: int, labels: int | None = None) -> Content:
    return bar_line(scale_label(row), labels or label_width(width), row.ref[2], most, width)


def text_content(row: Row) -> Content:
    return one_line(row.ref) if isinstance(row.ref, str) else row.ref

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
    return fit(Content.assemble(chip, " ", label, tail), width)  # its name, never its id


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


def target_content(row: Row, width: int, most: int) -> Content:
    (label, extra), dots = row.ref
    count = Content.styled(f"{dots:>3}", "bold")
    label_width = max(10, min(width // 2, 48))
    text = one_line(label, REMOVED_STYLE if label == REMOVED_TEXT else "")
    if extra:
        text = text + Content.styled(f"  {extra}", ".board--muted")
    return Content.assemble(
        " ", fit(text, label_width), " ", bar(dots, most, width - label_width - 6), count, " "
    )


def scale_content(row: Row, width: int, most: int) -> Content:
    value, label, count = row.ref
    head = Content.styled(f" {value:>3} ", "bold") + one_line(label)
    head_width = min(max(6, width // 3), 24)
    return Content.assemble(
        fit(head, head_width), " ", bar(count, most, width - head_width - 6), f"{count:>4} "
    )


def text_content(row: Row) -> Content:
    return one_line(row.ref) if isinstance(row.ref, str) else row.ref

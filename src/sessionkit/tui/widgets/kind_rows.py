"""Drawing the rows of the words, questions and actions boards, and their info line.

Shared by the facilitator's board and the room view, like :mod:`.rows`; every piece of
participant text goes through :mod:`sessionkit.tui.safe`. No internal id is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.actions import ActionsInput, listed
from sessionkit.core.inputs.base import InputSpec
from sessionkit.core.inputs.questions import QuestionsInput, ranked
from sessionkit.core.inputs.requests import RequestsInput
from sessionkit.core.inputs.sort import SortInput
from sessionkit.core.inputs.words import WordsInput
from sessionkit.core.state import FACILITATOR, REMOVED_TEXT
from sessionkit.tui.board_model import Row
from sessionkit.tui.safe import one_line
from sessionkit.tui.widgets.rows import REMOVED_STYLE, bar, fit
from sessionkit.tui.widgets.sort_rows import sort_content, sort_info


def action_content(row: Row, width: int, most: int = 0) -> Content:
    """An action: a tick box, what, then who and by when (and where it came from)."""
    what, who, due, source, done, dropped = row.ref
    box = Content.styled(" ✓ " if done else " ☐ ", "bold" if done else ".board--muted")
    meta = Content("")
    for part in (who, f"by {due}" if due else "", f"from: {source}" if source else ""):
        if part:
            meta += Content.styled("  ·  ", ".board--muted") + one_line(part, ".board--muted")
    if dropped:
        meta += Content.styled("  dropped", ".board--warning")
    style = ".board--hidden" if dropped else "strike" if done else ""
    text = one_line(what, _style(what, style))
    room = width - 3 - meta.cell_length
    if room < 16:  # narrow: the what matters more than the who
        meta = fit(meta, max(0, width - 3 - 16))
        room = width - 3 - meta.cell_length
    if text.cell_length > room:
        text = fit(text, room)
    return fit(box + text + meta, width)


def _style(text: str, style: str) -> str:
    """A removed text is drawn dim, unless it is also hidden, dropped or done."""
    return REMOVED_STYLE if text == REMOVED_TEXT and not style else style


def word_style(count: int, most: int) -> str:
    """A terminal's text sizes: how a word of the cloud is drawn for its count."""
    share = count / most if most else 0
    if share >= 0.75:
        return "bold reverse"
    if share >= 0.45:
        return "bold underline"
    if share >= 0.2:
        return ""
    return "dim"


def word_content(row: Row, width: int, most: int) -> Content:
    """A word of the cloud on the facilitator's board: its size, a bar and its count."""
    word, count, hidden = row.ref
    style = ".board--hidden" if hidden else word_style(count, most)
    style = REMOVED_STYLE if word == REMOVED_TEXT and not hidden else style
    label_width = max(10, min(width // 2, 40))
    label = Content.assemble(
        Content.styled(" ", style), one_line(word, style), Content.styled(" ", style)
    )
    if hidden:
        label += Content.styled("  out of the cloud", ".board--warning")
    return Content.assemble(
        " ",
        fit(label, label_width),
        " ",
        bar(0 if hidden else count, most, width - label_width - 6),
        Content.styled(f"{count:>3}", "bold"),
        " ",
    )


def cloud_lines(rows: list[Row], width: int, most: int) -> list[Content]:
    """The room's word cloud: the words flowed into lines, each sized by its count
    (bold and reversed for the most given, dim for the fewest), its count after it."""
    lines: list[Content] = []
    line = Content("")
    for row in rows:
        word, count, _ = row.ref
        style = word_style(count, most)
        piece = Content.assemble(
            Content.styled(" ", style), one_line(word, style), Content.styled(" ", style)
        ) + Content.styled(f"{count}", ".board--muted")
        piece = fit(piece, width - 1) if piece.cell_length > width - 1 else piece
        if line.cell_length and line.cell_length + 2 + piece.cell_length > width - 1:
            lines.extend((line, Content("")))
            line = Content("")
        line = line + Content("  ") + piece if line.cell_length else Content(" ") + piece
    if line.cell_length:
        lines.append(line)
    return lines


def question_content(row: Row, width: int, most: int) -> Content:
    """A question: its upvotes, the question, then answered / merged / taken down."""
    text, votes, answered, merged, hidden, asker = row.ref
    head = Content.styled(f" {votes:>3} ▲ ", "dim" if answered else "bold")
    meta = Content("")
    for part, style in (
        (asker, ".board--muted"),
        ("answered" if answered else "", "bold"),
        (f"{merged} merged in" if merged else "", ".board--muted"),
        ("taken down" if hidden else "", ".board--warning"),
    ):
        if part:
            meta += Content.styled("  ·  ", ".board--muted") + one_line(part, style)
    style = ".board--hidden" if hidden else "dim" if answered else ""
    room = max(12, width - head.cell_length - meta.cell_length)
    body = one_line(text, _style(text, style))
    if body.cell_length > room:
        body = fit(body, room)
    return fit(head + body + meta, width)


def request_content(row: Row, width: int, most: int) -> Content:
    """A request: its answer (or "waiting"), the request, then who from and the reply."""
    text, from_team, answer, reply, paper = row.ref
    head = Content.styled(f" {answer or 'waiting':<10} ", "bold" if answer else ".board--muted")
    meta = Content("")
    for part, style in (
        (f"from {from_team}" if from_team else "", ".board--muted"),
        (f"“{reply}”" if reply else "", ""),
        ("paper" if paper else "", ".board--muted"),
    ):
        if part:
            meta += Content.styled("  ·  ", ".board--muted") + one_line(part, style)
    room = max(12, width - head.cell_length - meta.cell_length)
    body = one_line(text, _style(text, ""))
    if body.cell_length > room:
        body = fit(body, room)
    return fit(head + body + meta, width)


def reviewed_content(row: Row, width: int, most: int = 0) -> Content:
    """A carried action: its status now, what, then who, by when and what was learned."""
    what, who, due, _origin, status, learned, changes = row.ref
    closed = status in ("done", "dropped")
    head = Content.styled(f" {status:<11} ", "bold" if changes else ".board--muted")
    meta = Content("")
    for part, style in (
        (who, ".board--muted"),
        (f"by {due}" if due else "", ".board--muted"),
        (f"{len(learned)} learned" if learned else "", ""),
    ):
        if part:
            meta += Content.styled("  ·  ", ".board--muted") + one_line(part, style)
    room = max(12, width - head.cell_length - meta.cell_length)
    body = one_line(what, "dim" if closed else "")
    if body.cell_length > room:
        body = fit(body, room)
    return fit(head + body + meta, width)


KIND_ROWS: dict[str, Callable[[Row, int, int], Content]] = {
    "request": request_content,
    "question": question_content,
    "action": action_content,
    "reviewed": reviewed_content,
    "word": word_content,
    "sorted": sort_content,
}
"""Row kind -> how it is drawn (``most``: the board's largest count, for sizes and bars)."""


def board_info(engine: Engine, spec: InputSpec) -> Content | None:
    """The line above the board for these kinds (``None``: not one of them)."""
    state = engine.state
    key = state.step_key
    if isinstance(spec, SortInput):
        return sort_info(engine, spec)
    if isinstance(spec, QuestionsInput):
        questions = ranked(state, key)
        votes = sum(len(q.voters) for q in questions)
        answered = sum(1 for q in questions if q.answered)
        return Content(
            f"{len(questions)} question{'s' * (len(questions) != 1)} · {votes} upvote"
            f"{'s' * (votes != 1)} · {answered} answered · a asks, d upvotes, y answered, m merges"
        )
    if isinstance(spec, RequestsInput):
        asks = [r for r in state.requests.values() if r.step == key]
        answered = sum(1 for r in asks if r.answer)
        return Content(
            f"{len(asks)} request{'s' * (len(asks) != 1)} · {answered} answered · "
            "a types a paper request · y answers the focused one"
        )
    if isinstance(spec, WordsInput):
        given = [a.author for a in state.words.values() if a.step == key]
        paper = given.count(FACILITATOR)
        return Content(
            f"{len(given)} answer{'s' * (len(given) != 1)}"
            + (f", {paper} on paper" if paper else "")
            + " · a types paper answers · h takes a word out"
        )
    if isinstance(spec, ActionsInput):
        actions = listed(state, key)
        done = sum(1 for a in actions if a.done)
        who = "phones may propose" if spec.who_can_add == "everyone" else "you add them"
        return Content(
            f"{len(actions)} action{'s' * (len(actions) != 1)} · {done} done · {who} · "
            "a adds, enter edits, y done"
        )
    return None

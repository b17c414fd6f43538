"""The HTML page's sections for words, questions and actions steps and grid canvases,
with their styles.

Kept beside :mod:`.html` (which lists them in its ``SECTIONS``) so the page's module
stays readable. The same rules hold: every piece of text goes through ``html.escape``,
no scripts; the word cloud is plain HTML whose font sizes come from the counts.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from sessionkit.core.inputs.actions import listed, source_label
from sessionkit.core.inputs.canvas import GridView
from sessionkit.core.inputs.questions import merged_into, ranked
from sessionkit.core.inputs.requests import ANSWERS, RequestsInput, for_team
from sessionkit.core.inputs.words import cloud
from sessionkit.core.record import Record, StepView
from sessionkit.core.state import Note
from sessionkit.export.text import plural

CSS = """
.wordcloud { list-style: none; margin: 8px 0 0; padding: 14px 16px; display: flex; \
flex-wrap: wrap; gap: 4px 18px; align-items: baseline; justify-content: center;
  background: var(--soft); border-radius: 6px; }
.wordcloud li { line-height: 1.15; overflow-wrap: anywhere; unicode-bidi: plaintext; \
color: var(--accent); }
.wordcloud li small { font-size: 12px; color: var(--muted); margin-left: 3px; }
.questions { list-style: none; margin: 0; padding: 0; }
.questions li { display: grid; grid-template-columns: 3.5em minmax(0, 1fr); gap: 12px; \
padding: 8px 0;
  border-bottom: 1px solid var(--line); }
.questions .votes { font-weight: 700; font-size: 18px; text-align: right; \
font-variant-numeric: tabular-nums; }
.questions .text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.questions small { display: block; color: var(--muted); }
.questions li.answered .text { color: var(--muted); }
td.done { color: #1a7f37; font-weight: 600; }
.grid-wrap { overflow-x: auto; }
table.grid { border-collapse: collapse; min-width: 100%; table-layout: fixed; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 6px; }
table.grid th, table.grid td { vertical-align: top; text-align: left; min-width: 10em; }
table.grid thead th, table.grid tbody th { background: var(--soft); }
table.grid .cards { margin: 0; }
table.requests { border-collapse: collapse; width: 100%; }
table.requests th, table.requests td { border-bottom: 1px solid var(--line); padding: 4px 6px; \
text-align: left; vertical-align: top; }
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- grid canvas


def grid_table(table: GridView, cards: Callable[[tuple[Note, ...]], str]) -> str:
    """A grid canvas as a real table: a header row of columns, a header cell per row,
    each cell its notes as cards (``cards`` draws them as the rest of the page does)."""
    head = "".join(f'<th scope="col">{e(c.label)}</th>' for c in table.columns)
    body = "".join(
        f'<tr><th scope="row">{e(row.label)}</th>'
        + "".join(f"<td>{cards(notes) if notes else ''}</td>" for notes in cells)
        + "</tr>"
        for row, cells in zip(table.rows, table.cells, strict=True)
    )
    rest = f"<h4>Not placed</h4>{cards(table.unplaced)}" if table.unplaced else ""
    return (
        '<div class="grid-wrap"><table class="grid"><thead><tr><td></td>'
        f"{head}</tr></thead><tbody>{body}</tbody></table></div>{rest}"
    )


# ---------------------------------------------------------------- words


def words_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    """The word cloud: one item per word, its font size from its count, from
    14 px for the fewest given to 40 px for the most."""
    words = cloud(record.state, view.key)
    if not words:
        return '<p class="empty">No answers.</p>'
    most, least = words[0][1], words[-1][1]
    items = []
    for word, count in words:
        share = (count - least) / (most - least) if most > least else 0.5
        size = round(14 + 26 * share)
        items.append(
            f'<li style="font-size:{size}px;opacity:{0.6 + 0.4 * share:.2f}" dir="auto">'
            f"{e(word)}<small>{count}</small></li>"
        )
    total = sum(count for _, count in words)
    hidden = record.state.hidden_words.get(view.key, [])
    out = (
        f'<p class="stat">{plural(total, "answer")}, {plural(len(words), "different one")}</p>'
        f'<ul class="wordcloud">{"".join(items)}</ul>'
    )
    if hidden:
        taken = plural(len(hidden), "word")
        out += f'<p class="empty">{taken} taken out of the cloud by the facilitator.</p>'
    return out


# ---------------------------------------------------------------- questions


def questions_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    state = record.state
    questions = ranked(state, view.key)
    if not questions:
        return '<p class="empty">No questions.</p>'
    items = []
    for question in questions:
        facts = []
        if question.author_name and not record.is_anonymous(view.key):
            facts.append(e(question.author_name))
        if question.answered:
            facts.append("answered")
        merged = merged_into(state, question.id)
        facts.extend(f"merged: {e(m.text)}" for m in merged)
        small = "".join(f'<small dir="auto">{fact}</small>' for fact in facts)
        css = ' class="answered"' if question.answered else ""
        votes = len(question.voters)
        items.append(
            f'<li{css}><span class="votes" title="{plural(votes, "upvote")}">▲ {votes}</span>'
            f'<span><span class="text" dir="auto">{e(question.text)}</span>{small}</span></li>'
        )
    out = f'<ol class="questions">{"".join(items)}</ol>'
    hidden = sum(1 for q in state.questions.values() if q.step == view.key and q.hidden)
    if hidden:
        out += f'<p class="empty">{plural(hidden, "question")} taken down by the facilitator.</p>'
    return out


# ---------------------------------------------------------------- requests


def requests_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    spec = view.step.input if view.step else None
    if not isinstance(spec, RequestsInput):
        return ""
    parts = []
    for team in spec.teams:
        asks = for_team(record.state, view.key, team.id)
        if not asks:
            continue
        rows = []
        for r in asks:
            source = [spec.team_label(r.from_team) if r.from_team else ""]
            if r.author_name and not record.is_anonymous(view.key):
                source.append(r.author_name)
            if r.paper:
                source.append("paper")
            rows.append(
                f'<tr><td dir="auto">{e(r.text)}</td>'
                f'<td dir="auto">{e(" · ".join(x for x in source if x))}</td>'
                f"<td>{e(ANSWERS.get(r.answer or '', 'not answered'))}</td>"
                f'<td dir="auto">{e(r.reply)}</td></tr>'
            )
        parts.append(
            f"<h4>For {e(team.label)} ({len(asks)})</h4>"
            '<table class="requests"><thead><tr><th scope="col">Request</th>'
            '<th scope="col">From</th><th scope="col">Answer</th><th scope="col">Reply</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(parts) or '<p class="empty">No requests.</p>'


# ---------------------------------------------------------------- actions


def actions_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    actions = listed(record.state, view.key)
    if not actions:
        return '<p class="empty">No actions.</p>'
    return (
        f'<p class="stat">{plural(len(actions), "action")}: '
        '<a href="#actions-agreed">see Actions agreed</a></p>'
    )


def actions_table(record: Record) -> str:
    """Every action of the actions steps as a table (empty string if there are none)."""
    actions = listed(record.state)
    if not actions:
        return ""
    rows = []
    for action in actions:
        rows.append(
            f'<tr><td dir="auto">{e(action.what)}</td><td dir="auto">{e(action.who or "")}</td>'
            f'<td class="t">{e(action.due or "")}</td>'
            f'<td dir="auto">{e(source_label(record.state, action.source))}</td>'
            f'<td class="done">{"done" if action.done else ""}</td></tr>'
        )
    return (
        '<div class="scroll"><table><thead><tr><th>What</th><th>Who</th><th>By</th>'
        f"<th>From</th><th>Done</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )

"""The Markdown record's sections for the kinds whose items are not notes: words,
questions, requests and actions (the actions step points to the one table of every
action, :func:`actions_table`). Beside :mod:`.markdown` as :mod:`.html_kinds` is beside
:mod:`.html`; participant text goes through :mod:`.markdown_escape`.
"""

from __future__ import annotations

from sessionkit.core.inputs.actions import listed, source_label
from sessionkit.core.inputs.questions import merged_into, ranked
from sessionkit.core.inputs.requests import ANSWERS, RequestsInput, for_team
from sessionkit.core.inputs.words import cloud
from sessionkit.core.record import Record, StepView
from sessionkit.export.markdown_escape import escape, escape_block
from sessionkit.export.text import plural


def words_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    words = cloud(record.state, view.key)
    if not words:
        return ["*No answers.*"]
    total = sum(count for _, count in words)
    out = [f"{plural(total, 'answer')}, {plural(len(words), 'different one')}:", ""]
    out += ["| Word | Count |", "| --- | ---: |"]
    out += [f"| {escape(word)} | {count} |" for word, count in words]
    hidden = record.state.hidden_words.get(view.key, [])
    if hidden:
        taken = plural(len(hidden), "word")
        out += ["", f"*{taken} taken out of the cloud by the facilitator.*"]
    return out


def questions_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    state = record.state
    questions = ranked(state, view.key)
    if not questions:
        return ["*No questions.*"]
    out = []
    for n, question in enumerate(questions, 1):
        meta = [plural(len(question.voters), "upvote")]
        if question.author_name and not record.is_anonymous(view.key):
            meta.append(escape(question.author_name))
        if question.answered:
            meta.append("answered")
        merged = merged_into(state, question.id)
        if merged:
            meta.append(f"{len(merged)} merged in")
        out.append(f"{n}. {escape_block(question.text, '   ')} — *{' · '.join(meta)}*")
        out.extend(f"   - *merged:* {escape(m.text)}" for m in merged)
    hidden = sum(1 for q in state.questions.values() if q.step == view.key and q.hidden)
    if hidden:
        out += ["", f"*{plural(hidden, 'question')} taken down by the facilitator.*"]
    return out


def requests_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    spec = view.step.input if view.step else None
    if not isinstance(spec, RequestsInput):
        return []
    out: list[str] = []
    for team in spec.teams:
        asks = for_team(record.state, view.key, team.id)
        if not asks:
            continue
        out += [f"**For {escape(team.label)}** ({len(asks)})", ""]
        for r in asks:
            meta = [f"from {escape(spec.team_label(r.from_team))}" if r.from_team else ""]
            if r.author_name and not record.is_anonymous(view.key):
                meta.append(escape(r.author_name))
            if r.paper:
                meta.append("paper")
            answer = ANSWERS.get(r.answer or "", "not answered")
            if r.reply:
                answer += ": " + escape(r.reply)
            facts = " · ".join(m for m in meta if m)
            out.append(
                f"- {escape_block(r.text)} — **{answer}**" + (f" *({facts})*" if facts else "")
            )
        out.append("")
    return out[:-1] if out else ["*No requests.*"]


def actions_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    actions = listed(record.state, view.key)
    if not actions:
        return ["*No actions.*"]
    return [f"*{plural(len(actions), 'action')}: see [Actions agreed](#actions-agreed).*"]


def actions_table(record: Record) -> list[str]:
    """Every action of the actions steps: what, who, by when, where from, done."""
    actions = listed(record.state)
    if not actions:
        return []
    out = ["| What | Who | By | From | Done |", "| --- | --- | --- | --- | --- |"]
    for action in actions:
        cells = (
            action.what,
            action.who or "",
            action.due or "",
            source_label(record.state, action.source),
        )
        out.append(
            "| "
            + " | ".join(escape(cell) for cell in cells)
            + f" | {'yes' if action.done else ''} |"
        )
    return [*out, ""]

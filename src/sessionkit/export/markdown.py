"""Markdown: notes to paste into an email, a wiki page or an issue.

Participant text never changes the document's structure, and ordinary sentences read as
they were written (:mod:`.markdown_escape` says how). A note with several lines stays on
its bullet: its lines follow each other, indented under it
(soft breaks: a line each when read as text, one paragraph when rendered). In tables,
line breaks become spaces.

Hidden (moderated) notes are left out; only their number is given.
"""

from __future__ import annotations

from collections.abc import Callable

from sessionkit.core.inputs.canvas import GridView
from sessionkit.core.record import ItemView, Record, StepView, local_time, minutes_text
from sessionkit.core.state import Note
from sessionkit.export import markdown_kinds, rank_sections, review_sections
from sessionkit.export.markdown_escape import escape, escape_block
from sessionkit.export.text import (
    clock_at,
    paragraphs,
    places,
    plural,
    removed_sentence,
    step_caption,
    who_voted,
)


def _table_cell(text: str) -> str:
    return escape(text)


def _note_line(
    record: Record,
    note: Note,
    dots: dict[str, int],
    *,
    show_cluster: bool = False,
    indent: str = "",
) -> str:
    meta: list[str] = []
    category = record.category_label(note)
    if category:
        meta.append(escape(category))
    if show_cluster and record.cluster_label(note):
        meta.append("theme: " + escape(record.cluster_label(note)))
    author = record.author(note)
    if author:
        meta.append(escape(author))
    if record.is_picked(note):
        meta.append("the group's pick")
    if record.on_paper(note):
        meta.append("on paper")
    if dots.get(note.id):
        meta.append(plural(dots[note.id], "dot"))
    if note.action_owner:
        meta.append("action: " + escape(note.action_owner))
    text = escape_block(note.text, indent + "  ")
    return f"{indent}- {text}" + (f" — *{' · '.join(meta)}*" if meta else "")


def _hidden_line(record: Record, key: str) -> list[str]:
    hidden = sum(1 for n in record.state.notes.values() if n.step == key and n.hidden)
    if not hidden:
        return []
    return [
        "",
        f"*{plural(hidden, 'note')} hidden by the facilitator "
        f"{'is' if hidden == 1 else 'are'} not shown.*",
    ]


def _notes_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    out: list[str] = []
    groups = record.note_groups(view.key)
    # Notes grouped into themes on a later cluster step are listed there, under their
    # theme; here a line says where (so no note is read twice or out of its theme).
    elsewhere = [(c, ns) for c, ns in groups if c is not None and c.step != view.key]
    groups = [(c, ns) for c, ns in groups if c is None or c.step == view.key]
    if not groups and not elsewhere:
        out.append("*No notes.*")
    elif len(groups) == 1 and groups[0][0] is None:
        out.extend(_note_line(record, n, dots) for n in groups[0][1])
    else:
        for cluster, notes in groups:
            if cluster is None:
                title = "Not in a theme"
            else:
                title = escape(cluster.label) + (" (parking lot)" if cluster.parking else "")
            theme_dots = record.dots(cluster.id) if cluster is not None else 0
            extra = f", {plural(theme_dots, 'dot')} on the theme" if theme_dots else ""
            out.append(f"**{title}** ({plural(len(notes), 'note')}{extra})")
            out.append("")
            out.extend(_note_line(record, n, dots) for n in notes)
            out.append("")
        while out and out[-1] == "":
            out.pop()
    if elsewhere:
        count = sum(len(ns) for _, ns in elsewhere)
        where = ", ".join(
            f"“{escape(record.step_title(key))}”"
            for key in dict.fromkeys(c.step for c, _ in elsewhere)
        )
        if out:
            out.append("")
        out.append(
            f"*{plural(count, 'note')} {'is' if count == 1 else 'are'} listed under "
            f"{'its theme' if count == 1 else 'their themes'} in {where}.*"
        )
    out.extend(_hidden_line(record, view.key))
    return out


def _grid_table(record: Record, table: GridView, dots: dict[str, int]) -> list[str]:
    """The grid as a real table: its rows as rows, its columns as columns, each cell's
    notes one after another (a Markdown table cell holds one line)."""

    def cell(notes: tuple[Note, ...]) -> str:
        return " · ".join(
            escape(n.text) + (f" ({plural(dots[n.id], 'dot')})" if dots.get(n.id) else "")
            for n in notes
        )

    out = [
        "| | " + " | ".join(_table_cell(c.label) for c in table.columns) + " |",
        "|---|" + "---|" * len(table.columns),
    ]
    for row, cells in zip(table.rows, table.cells, strict=True):
        out.append(f"| **{_table_cell(row.label)}** | " + " | ".join(cell(n) for n in cells) + " |")
    if table.unplaced:
        out += ["", "**Not placed**", ""]
        out += [_note_line(record, n, dots) for n in table.unplaced]
    return out


def _canvas_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    out: list[str] = []
    table = record.grid(view.key)
    if table is not None:
        return _grid_table(record, table, dots) + _hidden_line(record, view.key)
    regions = record.regions(view.key)
    if not any(r.notes for r in regions):
        out.append("*No notes.*")
    else:
        for region in regions:
            out.append(f"**{escape(region.label)}** ({len(region.notes)})")
            out.append("")
            if region.notes:
                out.extend(_note_line(record, n, dots, show_cluster=True) for n in region.notes)
            else:
                out.append("*Nothing here.*")
            out.append("")
        out.pop()
    out.extend(_hidden_line(record, view.key))
    return out


def _cluster_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    """Each theme with its notes under it (a reader sees what a theme is made of)."""
    clusters = record.clusters_of(view.key)
    if not clusters:
        return ["*No themes were made.*"]
    out = []
    for cluster, notes in clusters:
        extra = " (parking lot)" if cluster.parking else ""
        theme_dots = record.dots(cluster.id)
        line = f"- **{escape(cluster.label)}**{extra} — {plural(len(notes), 'note')}"
        if theme_dots:
            line += f", {plural(theme_dots, 'dot')}"
        out.append(line)
        out.extend(_note_line(record, n, dots, indent="  ") for n in notes)
    loose = record.unclustered(view.key)
    if loose:
        out.append(
            f"- *Not in a theme* — {plural(len(loose), 'note')}, listed under the steps "
            "they came from"
        )
    return out


def _vote_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    rows = record.tally(view.key)
    if not rows:
        return ["*No dots were placed.*"]
    total = sum(r.dots for r in rows)
    out = [
        f"{who_voted(record, view.key, total)}:",
        "",
    ]
    # A bullet per item with its place, ties as ties ("=2"): a numbered list would be
    # renumbered 1, 2, 3 by every Markdown renderer, hiding the tie.
    for place, row in zip(places([r.dots for r in rows]), rows, strict=True):
        label = "*(a hidden note)*" if row.hidden else escape(row.label)
        out.append(f"- **{place}.** {plural(row.dots, 'dot')} — {label}")
    return out


def _sort_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    sort = record.sort(view.key)
    if sort is None or not sort.sorters:
        return ["*Nobody sorted.*"]
    paper = f" ({sort.paper} on paper)" if sort.paper else ""
    out = [
        f"{plural(sort.sorters, 'person', 'people')} sorted{paper}; "
        f"ordered by “{escape(sort.order_by)}”:",
        "",
        "| Item | " + " | ".join(_table_cell(b) for b in sort.buckets) + " |",
        "| --- |" + " ---: |" * len(sort.buckets),
    ]
    for label, counts, hidden in sort.rows:
        text = "*(a hidden note)*" if hidden else _table_cell(label)
        out.append(f"| {text} | " + " | ".join(str(c) for c in counts) + " |")
    return out


def _rating_section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
    summary = record.rating(view.key)
    out = []
    if summary.question and " ".join(summary.question.split()) not in " ".join(view.prompt.split()):
        out.append(f"*{escape(summary.question)}*")
        out.append("")
    if not summary.count:
        out.append("*No ratings.*")
        return out
    out.append(f"{plural(summary.count, 'rating')}, mean **{summary.mean:.1f}**")
    out.append("")
    out.append("| Rating | Count |")
    out.append("| --- | ---: |")
    for value, label, count in summary.distribution:
        name = f"{value}" + (f" {escape(label)}" if label else "")
        out.append(f"| {name} | {count} |")
    return out


Section = Callable[[Record, StepView, dict[str, int]], list[str]]
SECTIONS: dict[str, Section] = {
    "notes": _notes_section,
    "canvas": _canvas_section,
    "cluster": _cluster_section,
    "vote": _vote_section,
    "sort": _sort_section,
    "rank": rank_sections.markdown_section(_table_cell),
    "rating": _rating_section,
    "discussion": lambda record, view, dots: [],  # only its summary, written below
    "actions": markdown_kinds.actions_section,
    "words": markdown_kinds.words_section,
    "questions": markdown_kinds.questions_section,
    "requests": markdown_kinds.requests_section,
    "review": review_sections.markdown_section(escape),
}
"""What each input kind's step adds to the record (``dots``: per note, over all votes)."""


def _step_section(
    record: Record, item: ItemView, view: StepView, dots: dict[str, int]
) -> list[str]:
    out = [
        f"### {item.index + 1}.{view.index + 1} {escape(view.title)}",
        "",
        f"*{step_caption(view)}*",
        "",
    ]
    if view.step is not None:
        out.append("\n>\n".join("> " + escape(p) for p in paragraphs(view.prompt)))
        out.append("")
    section = SECTIONS.get(view.kind)  # a break or a missing method has none
    if section is not None:
        out.extend(section(record, view, dots))
    if view.summary:
        if out[-1] != "":
            out.append("")
        out.append("**Summary:** " + escape_block(view.summary, ""))
    while out and out[-1] == "":
        out.pop()
    out.append("")
    return out


def render(record: Record) -> str:
    plan = record.plan
    items = record.items()
    dots = record.dots_by_note(with_cluster=False)  # a theme's dots are shown on the theme
    out: list[str] = [f"# {escape(plan.title)}", ""]
    started = record.started_at
    facts = [f"**Status:** {record.status}"]
    if started is not None:
        day = local_time(started)
        facts.insert(0, f"**Date:** {day:%A} {day.day} {day:%B %Y}")
    facts.append(f"**Participants:** {record.participant_count}{record.paper_text}")
    if record.roles_text:
        facts.append(f"**Roles:** {escape(record.roles_text)}")
    if plan.facilitators:
        facts.append(f"**Facilitators:** {escape(', '.join(plan.facilitators))}")
    if record.safeguarding_text:
        facts.append(f"**Safeguarding lead:** {escape(record.safeguarding_text)}")
    out.append(" · ".join(facts))
    out.append("")
    if plan.purpose:
        for paragraph in paragraphs(plan.purpose):
            out.extend([escape(paragraph), ""])

    out.extend(
        [
            "## Plan and actual",
            "",
            "| # | Item | Planned | Actual | Over/under |",
            "| ---: | --- | --- | --- | --- |",
        ]
    )
    for item in items:
        planned = f"{item.planned_text} ({minutes_text(item.planned_minutes)})"
        actual = item.actual_text
        if item.actual_minutes is not None:
            actual += f" ({minutes_text(item.actual_minutes)})"
        out.append(
            f"| {item.index + 1} | {_table_cell(item.title)}{' (talk)' * (item.kind == 'talk')} "
            f"| {planned} | {actual} "
            f"| {item.overrun_text} |"
        )
    out.append("")
    if record.state.ended_at is not None:
        out.extend([f"Ended at {clock_at(record.state.ended_at)}.", ""])

    for item in items:
        shown = record.shown_steps(item)
        if not shown:
            continue
        out.extend([f"## {item.index + 1}. {escape(item.title)}", ""])
        if item.variation:
            out.extend([f"*Variation: {escape(item.variation)}*", ""])
        for view in shown:
            out.extend(_step_section(record, item, view, dots))

    actions = record.actions()
    out.extend(["## Actions agreed", ""])
    table = markdown_kinds.actions_table(record)
    out.extend(table)
    if actions:
        titles = {s.key: s.title for item in items for s in item.steps}
        for note in actions:
            step_title = escape(titles.get(note.step, note.step))
            out.append(
                f"- **{escape(note.action_owner or '')}**: "
                f"{escape_block(note.text, '  ')} *({step_title})*"
            )
    elif not table:
        out.append("*None recorded.*")
    out.append("")
    if removed := removed_sentence(record):
        out.extend(["---", "", f"*{removed}*", ""])
    return "\n".join(out)

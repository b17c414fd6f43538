"""HTML: one self-contained, printable page.

Over 400 lines: a hundred of them are the page's stylesheet, kept beside the markup
it styles so the page stays one self-contained file.

Inline CSS, no scripts, no external assets (a Content-Security-Policy forbids them, so
even a mistake in escaping could not load or run anything). Notes are cards in their
category's colour, grouped by theme (cluster); vote results and ratings are bars drawn
with CSS widths. Every piece of text, from participants or from the plan, goes through
``html.escape``; colours come only from the method's validated ``#rrggbb`` values.

Hidden (moderated) notes are left out; only their number is given.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from sessionkit.core.inputs.notes import NoteSpec
from sessionkit.core.record import ItemView, Record, StepView
from sessionkit.core.state import REMOVED_TEXT, Note
from sessionkit.export import html_kinds, html_sort, rank_sections, review_sections
from sessionkit.export.html_text import (
    agenda,
    caption_in,
    count_in,
    count_title,
    day_in,
    ended_in,
    hidden_in,
    label_in,
    mean_in,
    participants_in,
    phrase,
    removed_in,
    status_in,
    theme_count,
    voted_in,
)
from sessionkit.export.html_words import both, page_lang, prompt_in, say, section_in
from sessionkit.export.text import (
    paragraphs,
    places,
)

DEFAULT_CARD = "#fff3a0"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# A backslash at the end of a line continues it (no newline in the page): long rules
# fit the source's line length and the page is byte for byte what it was.
CSS = """
:root { --ink:#1f2328; --muted:#57606a; --line:#d0d7de; --accent:#2f6feb; --soft:#f3f6fb; }
* { box-sizing: border-box; }
html { background: #eef0f3; }
body { margin: 0; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
        "Noto Sans Hebrew", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
main { max-width: 980px; margin: 24px auto; padding: 36px 40px 48px; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); border-radius: 8px; }
header h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
.meta { color: var(--muted); margin: 0; font-size: 14px; }
.meta b { color: var(--ink); font-weight: 600; }
.purpose { margin: 14px 0 0; max-width: 70ch; }
h2 { font-size: 20px; margin: 40px 0 14px; padding-bottom: 6px; \
border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 0; }
h3 .num { color: var(--muted); font-weight: 500; margin-right: 4px; }
h4 { font-size: 14px; margin: 18px 0 8px; display: flex; gap: 8px; align-items: baseline; }
h4 .count { color: var(--muted); font-weight: 400; font-size: 13px; }
.step { margin: 0 0 30px; padding-top: 6px; }
.caption { color: var(--muted); font-size: 13px; margin: 2px 0 10px; }
.prompt { margin: 0 0 14px; padding: 8px 14px; border-left: 4px solid var(--accent);
  background: var(--soft); }
.prompt p { margin: 0; unicode-bidi: plaintext; }
.prompt p + p { margin-top: 6px; }
.empty { color: var(--muted); font-style: italic; margin: 6px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); \
vertical-align: top; }
th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; \
letter-spacing: .04em; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.t { white-space: nowrap; font-variant-numeric: tabular-nums; }
.over { color: #b42318; font-weight: 600; }
.under { color: #1a7f37; }
tr.pause td { color: var(--muted); font-style: italic; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; align-items: start;
  grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
.card { background: var(--c, #fff3a0); border-radius: 3px; padding: 10px 12px 8px;
  box-shadow: 0 1px 2px rgba(0,0,0,.18), 0 2px 6px rgba(0,0,0,.06);
  display: flex; flex-direction: column; justify-content: space-between; min-height: 84px; }
.card p { margin: 0; }
@media (min-width: 640px) { .card.long { grid-column: span 2; } }
.card .text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.card .by { margin-top: 10px; font-size: 12px; color: rgba(0,0,0,.62); }
.card .by .dots { float: right; font-weight: 600; color: rgba(0,0,0,.75); }
.card.action { outline: 2px solid #1f2328; outline-offset: -2px; }
.group { margin: 0 0 18px; }
.group.parking h4::after { content: "parking lot"; font-size: 11px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  border: 1px solid var(--line); border-radius: 10px; padding: 0 7px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0 0 12px; font-size: 13px;
  color: var(--muted); padding: 0; list-style: none; }
.legend li::before { content: ""; display: inline-block; width: 12px; height: 12px;
  margin-right: 6px; vertical-align: -1px; border-radius: 2px; background: var(--c);
  box-shadow: inset 0 0 0 1px rgba(0,0,0,.2); }
.bars { list-style: none; margin: 6px 0 0; padding: 0; }
.bars li { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 4fr) 4.5em;
  gap: 12px; align-items: center; padding: 5px 0; border-bottom: 1px solid #eef0f3; }
.bars .label { overflow-wrap: anywhere; unicode-bidi: plaintext; }
.bars .label .rank { color: var(--muted); margin-right: 6px; font-variant-numeric: tabular-nums; }
.bars .hidden { color: var(--muted); font-style: italic; }
.bar { height: 14px; background: #eef0f3; border-radius: 7px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--accent); border-radius: 7px; }
.bars .n { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.stat { font-size: 14px; margin: 4px 0 8px; }
.stat b { font-size: 20px; }
.regions { display: grid; gap: 14px; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); }
.region { border: 1px dashed #afb8c1; border-radius: 6px; padding: 0 12px 12px; }
.region .cards { grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.themes { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px;
  grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
.themes li { border: 1px solid var(--line); border-left: 4px solid var(--accent); \
border-radius: 4px;
  padding: 8px 12px; overflow-wrap: anywhere; }
.themes li.parking { border-left-color: #afb8c1; }
.themes small { display: block; color: var(--muted); }
.summary { margin: 14px 0 0; padding: 10px 14px; background: #fff8e6; border-radius: 4px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.summary b { display: block; font-size: 12px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.actions { list-style: none; padding: 0; margin: 0; }
.actions li { display: grid; grid-template-columns: 10em minmax(0, 1fr); gap: 12px; \
padding: 8px 0;
  border-bottom: 1px solid var(--line); }
.actions .owner { font-weight: 600; overflow-wrap: anywhere; }
.actions .text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.actions small { display: block; color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media (max-width: 640px) { main { margin: 0; padding: 20px 16px; border-radius: 0; }
  .bars li { grid-template-columns: minmax(0, 1fr) 3em; } \
.bars .bar { grid-column: 1 / -1; grid-row: 2; }
  .actions li { grid-template-columns: 1fr; gap: 2px; }
  td.t { white-space: normal; } th, td { padding: 6px 5px; } }
@media print {
  /* A4 with room for a binder's holes: "Print to PDF" gives a document to hand out,
     each agenda item starting on a page of its own. */
  @page { size: A4; margin: 16mm 14mm 18mm 18mm; }
  section.item, #actions-agreed { break-before: page; }
  a[href]::after { content: none; }
  html, body { background: #fff; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3, h4 { break-after: avoid; }
  .card, .bars li, tr, .themes li, .actions li, .summary { break-inside: avoid; }
  .card { box-shadow: none; border: 1px solid rgba(0,0,0,.25); }
}
"""


def e(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _colour(value: str | None) -> str:
    return value if value and _COLOUR.match(value) else DEFAULT_CARD


def _card(
    record: Record,
    note: Note,
    dots: dict[str, int],
    *,
    show_cluster: bool = False,
    language: str = "en",
) -> str:
    category = record.category(note)
    colour = _colour(category.colour if category else None)
    meta: list[str] = []
    if category:
        meta.append(both(category.label, category.cy.label if category.cy else "", language))
    elif note.category:
        meta.append(e(note.category))
    if show_cluster and record.cluster_label(note):
        meta.append(e(record.cluster_label(note)))
    author = record.author(note)
    if author:
        meta.append(f'<span class="author">{e(author)}</span>')
    if record.is_picked(note):
        meta.append(phrase("the group's pick", language))
    if record.on_paper(note):
        meta.append(phrase("on paper", language))
    if note.action_owner:
        meta.append(phrase("action: ", language) + e(note.action_owner))
    count = dots.get(note.id, 0)
    dot_html = (
        f'<span class="dots" title="{count_title(count, "dot", language)}">● {count}</span>'
        if count
        else ""
    )
    by = f'<p class="by">{dot_html}{" · ".join(meta)}</p>' if meta or dot_html else ""
    # A removed note's placeholder is ours, not theirs: in the page's language.
    text = say(REMOVED_TEXT, language) if note.redacted is not None else e(note.text)
    classes = (
        "card"
        + (" long" if len(note.text) > 160 else "")
        + (" action" if note.action_owner else "")
    )
    return (
        f'<li class="{classes}" style="--c:{colour}"><p class="text" dir="auto">{text}</p>{by}</li>'
    )


def _cards(
    record: Record,
    notes: list[Note] | tuple[Note, ...],
    dots: dict[str, int],
    language: str,
    show_cluster: bool = False,
) -> str:
    cards = (_card(record, n, dots, show_cluster=show_cluster, language=language) for n in notes)
    return '<ul class="cards">' + "".join(cards) + "</ul>"


def _hidden(record: Record, key: str, language: str) -> str:
    hidden = sum(1 for n in record.state.notes.values() if n.step == key and n.hidden)
    if not hidden:
        return ""
    return f'<p class="empty">{hidden_in(hidden, language)}</p>'


def _legend(view: StepView, language: str) -> str:
    spec = view.step.input if view.step else None
    categories = spec.note_categories() if isinstance(spec, NoteSpec) else ()
    if not categories:
        return ""
    labels = [both(c.label, c.cy.label if c.cy else "", language) for c in categories]
    chips = "".join(
        f'<li style="--c:{_colour(c.colour)}">{label}</li>'
        for c, label in zip(categories, labels, strict=True)
    )
    return f'<ul class="legend">{chips}</ul>'


def _notes(record: Record, view: StepView, dots: dict[str, int], language: str = "en") -> str:
    groups = record.note_groups(view.key)
    if not groups:
        return '<p class="empty">No notes.</p>' + _hidden(record, view.key, language)
    parts = [_legend(view, language)]
    if len(groups) == 1 and groups[0][0] is None:
        parts.append(_cards(record, groups[0][1], dots, language))
    else:
        for cluster, notes in groups:
            title = "Not in a theme" if cluster is None else cluster.label
            css = "group parking" if cluster is not None and cluster.parking else "group"
            theme_dots = record.dots(cluster.id) if cluster is not None else 0
            count = theme_count(len(notes), theme_dots, language)
            parts.append(
                f'<div class="{css}"><h4><span dir="auto">{e(title)}</span>'
                f'<span class="count">{count}</span></h4>'
                f"{_cards(record, notes, dots, language)}</div>"
            )
    parts.append(_hidden(record, view.key, language))
    return "".join(parts)


def _canvas(record: Record, view: StepView, dots: dict[str, int], language: str = "en") -> str:
    hidden = _hidden(record, view.key, language)
    table = record.grid(view.key)
    if table is not None:
        cards = lambda notes: _cards(record, notes, dots, language, show_cluster=True)  # noqa: E731
        return html_kinds.grid_table(table, cards) + hidden
    regions = record.regions(view.key)
    if not any(r.notes for r in regions):
        return '<p class="empty">No notes.</p>' + hidden
    boxes = []
    for region in regions:
        body = (
            _cards(record, region.notes, dots, language, show_cluster=True)
            if region.notes
            else '<p class="empty">Nothing here.</p>'
        )
        boxes.append(
            f'<div class="region"><h4>{e(region.label)}'
            f'<span class="count">{len(region.notes)}</span></h4>{body}</div>'
        )
    return f'<div class="regions">{"".join(boxes)}</div>' + hidden


def _clusters(record: Record, view: StepView, dots: dict[str, int], language: str = "en") -> str:
    clusters = record.clusters_of(view.key)
    if not clusters:
        return '<p class="empty">No themes were made.</p>'
    items = []
    for cluster, notes in clusters:
        theme_dots = record.dots(cluster.id)
        detail = theme_count(len(notes), theme_dots, language, parking=cluster.parking)
        css = ' class="parking"' if cluster.parking else ""
        items.append(
            f'<li{css}><span dir="auto">{e(cluster.label)}</span><small>{detail}</small></li>'
        )
    loose = record.unclustered(view.key)
    if loose:
        items.append(
            f'<li class="parking"><i>Not in a theme</i>'
            f"<small>{count_in(len(loose), 'note', language)}</small></li>"
        )
    return f'<ul class="themes">{"".join(items)}</ul>'


def _bar_rows(rows: list[tuple[str, int]], most: int) -> str:
    out = []
    for label_html, count in rows:
        width = 0 if most <= 0 else round(100 * count / most, 1)
        out.append(
            f'<li><span class="label">{label_html}</span>'
            f'<span class="bar"><span style="width:{width}%"></span></span>'
            f'<span class="n">{count}</span></li>'
        )
    return f'<ol class="bars">{"".join(out)}</ol>'


def _votes(record: Record, view: StepView, dots: dict[str, int], language: str = "en") -> str:
    rows = record.tally(view.key)
    if not rows:
        return '<p class="empty">No dots were placed.</p>'
    total = sum(r.dots for r in rows)
    most = max(r.dots for r in rows)
    shown = []
    for n, row in zip(places([r.dots for r in rows]), rows, strict=True):
        label = (
            '<span class="hidden">a hidden note</span>'
            if row.hidden
            else f'<span dir="auto">{e(row.label)}</span>'
        )
        shown.append((f'<span class="rank">{n}.</span>{label}', row.dots))
    placed = voted_in(record, view.key, total, language)
    return f'<p class="stat">{placed}</p>' + _bar_rows(shown, most)


def _rating(record: Record, view: StepView, dots: dict[str, int], language: str = "en") -> str:
    summary = record.rating(view.key)
    asked = summary.question and " ".join(summary.question.split()) not in " ".join(
        view.prompt.split()
    )
    head = f'<p class="stat">{e(summary.question)}</p>' if asked else ""
    if not summary.count:
        return head + '<p class="empty">No ratings.</p>'
    rows = [
        (f"{value}" + (f" · {e(label)}" if label else ""), count)
        for value, label, count in summary.distribution
    ]
    mean = mean_in(summary.mean or 0.0, summary.count, language)
    return head + f'<p class="stat">{mean}</p>' + _bar_rows(rows, summary.most)


Section = Callable[[Record, StepView, dict[str, int]], str]
SECTIONS: dict[str, Section] = {
    "notes": _notes,
    "canvas": _canvas,
    "cluster": _clusters,
    "vote": _votes,
    "sort": html_sort.sort_section,
    "rank": rank_sections.html_section,
    "rating": _rating,
    "discussion": lambda record, view, dots: "",  # only its summary, written below
    "actions": html_kinds.actions_section,
    "words": html_kinds.words_section,
    "questions": html_kinds.questions_section,
    "requests": html_kinds.requests_section,
    "review": review_sections.html_section,
}
"""What each input kind's step adds to the page (``dots``: per note, over all votes)."""
SPOKEN: dict[str, Callable[[Record, StepView, dict[str, int], str], str]] = {
    "notes": _notes,
    "canvas": _canvas,
    "cluster": _clusters,
    "vote": _votes,
    "rating": _rating,
}
"""Sections whose sentences of numbers are made in the run's language (:mod:`.html_text`)."""


def _step(
    record: Record, item: ItemView, view: StepView, dots: dict[str, int], language: str
) -> str:
    cy = view.step.cy if view.step is not None else None
    title = both(view.title, cy.title if cy else "", language)
    parts = [
        f'<article class="step" id="step-{e(view.key)}">',
        f'<h3><span class="num">{item.index + 1}.{view.index + 1}</span>{title}</h3>',
        f'<p class="caption">{caption_in(view, language)}</p>',
    ]
    if view.step is not None:
        prompt = prompt_in(view.prompt, view.prompt_cy, language)
        parts.append(f'<div class="prompt">{prompt}</div>')
    section = SECTIONS.get(view.kind)  # a break or a missing method has none
    if view.kind in SPOKEN:
        parts.append(section_in(SPOKEN[view.kind](record, view, dots, language), language))
    elif section is not None:
        parts.append(section_in(section(record, view, dots), language))
    if view.summary:
        head = say("Summary", language)
        parts.append(f'<p class="summary" dir="auto"><b>{head}</b>{e(view.summary)}</p>')
    parts.append("</article>")
    return "".join(parts)


def render(record: Record, language: str = "en") -> str:
    """The page; ``language`` (en, cy or cy+en) for its own words and the methods' texts
    (:mod:`.html_words`). Participants' text is never translated."""
    plan = record.plan
    items = record.items()
    dots = record.dots_by_note(with_cluster=False)  # a theme's dots are shown on the theme
    facts = []
    if record.started_at is not None:
        facts.append(day_in(record.started_at, language))
    facts.append(status_in(record, language))
    facts.append(participants_in(record, language))
    if record.roles_text:
        facts.append(label_in("roles: ", "rolau: ", record.roles_text, language))
    if plan.facilitators:
        who = ", ".join(plan.facilitators)
        facts.append(label_in("facilitated by ", "hwyluswyd gan ", who, language))
    if record.safeguarding_text:
        lead = record.safeguarding_text
        facts.append(label_in("safeguarding lead: ", "arweinydd diogelu: ", lead, language))
    if record.state.ended_at is not None:
        facts.append(ended_in(record.state.ended_at, language))
    body = [
        "<header>",
        f'<h1 dir="auto">{e(plan.title)}</h1>',
        f'<p class="meta">{" · ".join(facts)}</p>',
    ]
    if plan.purpose:
        body.extend(f'<p class="purpose" dir="auto">{e(p)}</p>' for p in paragraphs(plan.purpose))
    body.append("</header>")
    body.append(
        f"<section><h2>{say('Plan and actual', language)}</h2>{agenda(items, language)}</section>"
    )
    for item in items:
        shown = record.shown_steps(item)
        if not shown:
            continue
        body.append(f'<section class="item"><h2>{item.index + 1}. {e(item.title)}</h2>')
        if item.variation:
            variation = say("Variation: {name}", language, name=item.variation)
            body.append(f'<p class="caption">{variation}</p>')
        body.extend(_step(record, item, view, dots, language) for view in shown)
        body.append("</section>")
    actions = record.actions()
    titles = {s.key: s.title for item in items for s in item.steps}
    body.append(f'<section id="actions-agreed"><h2>{say("Actions agreed", language)}</h2>')
    table = html_kinds.actions_table(record)
    body.append(table)
    if actions:
        body.append('<ul class="actions">')
        for note in actions:
            body.append(
                f'<li><span class="owner" dir="auto">{e(note.action_owner)}</span>'
                f'<span><span class="text" dir="auto">{e(note.text)}</span>'
                f"<small>{e(titles.get(note.step, note.step))}</small></span></li>"
            )
        body.append("</ul>")
    elif not table:
        body.append(f'<p class="empty">{say("None recorded.", language)}</p>')
    body.append("</section>")
    removed = removed_in(record, language)
    body.append(
        f"<footer>{removed + '<br>' if removed else ''}"
        f"{say('Run {run} · recorded with sessionkit', language, run=record.run_id)}</footer>"
    )
    return (
        f'<!doctype html>\n<html lang="{page_lang(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{e(plan.title)}</title>\n<style>{CSS}{html_kinds.CSS}{html_sort.CSS}{rank_sections.CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )

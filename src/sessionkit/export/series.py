"""The series export: one document a group can share about all its runs, and the
actions' files (CSV of every status change, iCalendar of due dates).

For each run: its date, who came (counts, never names), the themes (clusters) and
decisions (what each vote put first), the actions it agreed and reviewed; then every
action with its history across the runs and what was learned; then the ratings asked in
more than one run, side by side. Pure functions of the runs' de-identified records.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence

from sessionkit.core.inputs.vote import VoteInput
from sessionkit.core.record import Record
from sessionkit.core.series import SeriesAction, SeriesRun, ratings_over_time, run_of
from sessionkit.export.csv import BOM, neutralise
from sessionkit.export.markdown_escape import escape

SERIES_FILES = {"markdown": "md", "html": "html", "csv": "csv", "ical": "ics"}
"""What ``sessionkit series NAME --export`` writes: format -> file extension."""

ACTION_COLUMNS = (
    "action",
    "what",
    "who",
    "due",
    "agreed on",
    "agreed in",
    "agenda item",
    "from",
    "status",
    "status set",
    "in run",
    "by",
    "reworded to",
    "status now",
    "learned",
)


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(at: float | None) -> str:
    return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _run_label(runs: Sequence[SeriesRun], run_id: str) -> str:
    run = run_of(runs, run_id)
    return (
        f"{run.date} {run.record.plan.title}" if run else f"run {run_id[:6]} (not in the records)"
    )


def themes(record: Record) -> list[str]:
    return [c.label for c in record.state.clusters.values() if not c.parking]


def decisions(record: Record) -> list[str]:
    """What each vote step put first (its label, with the dots)."""
    out = []
    for item in record.items():
        for view in item.steps:
            if isinstance(view.step.input if view.step else None, VoteInput):
                rows = record.tally(view.key)
                if rows and rows[0].dots:
                    out.append(f"{rows[0].label} ({rows[0].dots} dots)")
    return out


def came(record: Record) -> str:
    people = record.participant_count
    text = f"{people} {'person' if people == 1 else 'people'} joined{record.paper_text}"
    return text + (f" ({record.roles_text})" if record.roles_text else "")


def _history(runs: Sequence[SeriesRun], action: SeriesAction) -> list[str]:
    out = []
    for change in action.history:
        reworded = f', reworded to "{change.what}"' if change.what else ""
        out.append(f"{change.status} ({_run_label(runs, change.run)}){reworded}")
    return out


# ---------------------------------------------------------------- Markdown


def markdown(name: str, runs: Sequence[SeriesRun], actions: Sequence[SeriesAction]) -> str:
    out = [f"# Series {escape(name)}", ""]
    out += [
        f"{len(runs)} run{'s' * (len(runs) != 1)}, {len(actions)} actions, "
        f"{sum(a.is_open for a in actions)} open.",
        "",
    ]
    for run in runs:
        record = run.record
        out += [f"## {run.date}: {escape(record.plan.title)}", ""]
        out.append(f"- {escape(came(record))}; {record.status}; run {escape(run.name)}")
        for label, values in (("Themes", themes(record)), ("Decisions", decisions(record))):
            if values:
                out.append(f"- {label}: " + "; ".join(escape(v) for v in values))
        agreed = [a for a in actions if a.origin.run == run.run_id]
        out.append(f"- Actions agreed: {len(agreed)}; reviewed: {len(record.state.reviews)}")
        out.append("")
    out += ["## Actions and what happened to them", ""]
    if not actions:
        out += ["*No actions yet.*", ""]
    for action in actions:
        facts = [f for f in (action.who or "", f"by {action.due}" if action.due else "") if f]
        out.append(
            f"- **{escape(action.status)}**: {escape(action.what)}"
            + (f" ({escape(', '.join(facts))})" if facts else "")
        )
        source = f", from: {action.origin.source}" if action.origin.source else ""
        out.append(
            f"  - Agreed {escape(action.origin.date)} in {escape(action.origin.plan)}, "
            f"{escape(action.origin.item)}{escape(source)}"
        )
        out.append("  - History: " + escape("; ".join(_history(runs, action))))
        for note in action.learned:
            out.append(f"  - Learned ({escape(_run_label(runs, note.run))}): {escape(note.text)}")
    out.append("")
    out += _ratings_markdown(runs)
    return "\n".join(out).rstrip() + "\n"


def _ratings_markdown(runs: Sequence[SeriesRun]) -> list[str]:
    found = ratings_over_time(runs)
    if not found:
        return []
    out = ["## Ratings over time", ""]
    for rating in found:
        values = [value for value, _, _ in rating.per_run[0][1].distribution]
        out += [f"### {escape(rating.question)}", ""]
        out.append("| Run | " + " | ".join(map(str, values)) + " | Ratings | Mean |")
        out.append("| --- |" + " ---: |" * (len(values) + 2))
        for run, summary in rating.per_run:
            counts = {value: n for value, _, n in summary.distribution}
            mean = "–" if summary.mean is None else f"{summary.mean:.1f}"
            cells = " | ".join(str(counts.get(v, 0)) for v in values)
            out.append(f"| {escape(run.date)} | {cells} | {summary.count} | {mean} |")
        out.append("")
    return out


# ---------------------------------------------------------------- HTML

_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
  color: #1d1d1f; }
h1, h2, h3 { line-height: 1.2; } small, .muted { color: #555; }
ul.actions { list-style: none; padding: 0; } ul.actions > li { margin: 0 0 1rem;
  border-left: 4px solid #888; padding-left: .75rem; overflow-wrap: anywhere; }
ul.actions > li.done { border-color: #2a7a2a; } ul.actions > li.dropped { border-color: #aaa; }
.status { font-weight: 700; } table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.chart { display: flex; gap: 1.5rem; align-items: flex-end; flex-wrap: wrap; }
.chart figure { margin: 0; } .bars { display: flex; align-items: flex-end; gap: 2px; height: 80px; }
.bars span { width: 14px; background: #3a6ea5; display: block; }
.chart figcaption { font-size: .85rem; color: #555; }
"""


def html_page(name: str, runs: Sequence[SeriesRun], actions: Sequence[SeriesAction]) -> str:
    body = [f"<h1>Series {e(name)}</h1>"]
    body.append(
        f'<p class="muted">{len(runs)} run{"s" * (len(runs) != 1)}, {len(actions)} actions, '
        f"{sum(a.is_open for a in actions)} open.</p>"
    )
    for run in runs:
        record = run.record
        body.append(f"<section><h2>{e(run.date)}: {e(record.plan.title)}</h2><ul>")
        body.append(f"<li>{e(came(record))}; {e(record.status)}; run {e(run.name)}</li>")
        for label, values in (("Themes", themes(record)), ("Decisions", decisions(record))):
            if values:
                body.append(
                    f"<li>{label}: "
                    + "; ".join(f'<span dir="auto">{e(v)}</span>' for v in values)
                    + "</li>"
                )
        agreed = sum(1 for a in actions if a.origin.run == run.run_id)
        body.append(f"<li>Actions agreed: {agreed}; reviewed: {len(record.state.reviews)}</li>")
        body.append("</ul></section>")
    body.append('<section id="actions"><h2>Actions and what happened to them</h2>')
    body.append('<ul class="actions">' if actions else "<p>No actions yet.</p>")
    for action in actions:
        facts = ", ".join(
            f for f in (action.who or "", f"by {action.due}" if action.due else "") if f
        )
        source = f", from: {action.origin.source}" if action.origin.source else ""
        learned = "".join(
            f'<li dir="auto">{e(_run_label(runs, n.run))}: {e(n.text)}</li>' for n in action.learned
        )
        body.append(
            f'<li class="{e(action.status.replace(" ", "-"))}"><span class="status">'
            f'{e(action.status)}</span> <span dir="auto">{e(action.what)}</span>'
            + (f" <small>({e(facts)})</small>" if facts else "")
            + f"<br><small>Agreed {e(action.origin.date)} in {e(action.origin.plan)}, "
            f"{e(action.origin.item)}{e(source)}</small>"
            + f"<br><small>History: {e('; '.join(_history(runs, action)))}</small>"
            + (f"<ul>{learned}</ul>" if learned else "")
            + "</li>"
        )
    body.append("</ul></section>" if actions else "</section>")
    body += _ratings_html(runs)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Series {e(name)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _ratings_html(runs: Sequence[SeriesRun]) -> list[str]:
    found = ratings_over_time(runs)
    if not found:
        return []
    out = ["<section><h2>Ratings over time</h2>"]
    for rating in found:
        out.append(f'<h3 dir="auto">{e(rating.question)}</h3><div class="chart">')
        for run, summary in rating.per_run:
            most = max(summary.most, 1)
            bars = "".join(
                f'<span title="{e(value)} {e(label)}: {n}" '
                f'style="height:{max(2, round(78 * n / most))}px"></span>'
                for value, label, n in summary.distribution
            )
            mean = "–" if summary.mean is None else f"{summary.mean:.1f}"
            out.append(
                f'<figure><div class="bars" role="img" aria-label="{e(run.date)}: '
                f'{summary.count} ratings, mean {mean}">{bars}</div>'
                f"<figcaption>{e(run.date)} · {summary.count} · mean {mean}</figcaption></figure>"
            )
        out.append("</div>")
    out.append("</section>")
    return out


# ---------------------------------------------------------------- CSV and iCalendar


def actions_csv(runs: Sequence[SeriesRun], actions: Sequence[SeriesAction]) -> str:
    """One row per action and status it had (agreed, then each change), oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ACTION_COLUMNS)
    for action in actions:
        learned = " / ".join(note.text for note in action.learned)
        for change in action.history:
            run = run_of(runs, change.run)
            row = (
                action.ref,
                action.what,
                action.who or "",
                action.due or "",
                action.origin.date,
                action.origin.plan,
                action.origin.item,
                action.origin.source,
                change.status,
                _when(change.at),
                run.name if run else change.run,
                change.by,
                change.what or "",
                action.status,
                learned,
            )
            writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines of at most 75 octets, continued with a leading space."""
    out: list[str] = []
    current = ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += ch
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def actions_ical(name: str, actions: Sequence[SeriesAction], now: dt.datetime | None = None) -> str:
    """An all-day event on each action's due date (actions with none are left out)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sessionkit//series actions//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text(f'Actions of series {name}')}",
    ]
    for action in actions:
        if not action.due:
            continue
        day = dt.date.fromisoformat(action.due)
        who = f" ({action.who})" if action.who else ""
        description = (
            f"Status: {action.status}. Agreed {action.origin.date} in {action.origin.plan}, "
            f"{action.origin.item}."
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_ics_text(action.ref.replace('/', '-'))}@sessionkit",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(action.what + who)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"STATUS:{'CANCELLED' if action.status == 'dropped' else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def series_files(
    name: str, runs: Sequence[SeriesRun], actions: Sequence[SeriesAction]
) -> dict[str, str]:
    """Extension -> text, for every file the series export writes."""
    return {
        "md": markdown(name, runs, actions),
        "html": html_page(name, runs, actions),
        "csv": actions_csv(runs, actions),
        "ics": actions_ical(name, actions),
    }

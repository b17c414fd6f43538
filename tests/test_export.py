"""Exports: every format from a record full of awkward participant text.

The record comes from the engine playing the sample plan (tests/helpers/sample.py): a
named notes step, an anonymous one, an empty one, a canvas, clusters, two votes, a rating
and a discussion, with notes such as ``<script>``, ``=HYPERLINK(...)``, RTL text and a
500-character note.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from helpers import sample
from helpers.word import readable
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.core.state import NEWCOMER
from sessionkit.export import FORMATS, export, load_record
from sessionkit.export.markdown_escape import escape

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def played() -> tuple[Engine, dict]:
    clock = sample.Clock()
    engine = Engine(sample.plan(), sample.methods(), clock=clock, run_id="run-export-1")
    # A participant whose phone key must never reach an export.
    engine.execute(c.Join(name="Keyholder", key="secret-join-key-123"), NEWCOMER)
    ids = sample.play(engine, clock)
    return engine, ids


@pytest.fixture(scope="module")
def record(played) -> Record:
    return Record.from_engine(played[0])


@pytest.fixture(scope="module")
def outputs(record: Record) -> dict[str, str]:
    return {fmt: readable(record, fmt) for fmt in FORMATS}


def visible_texts(record: Record) -> list[str]:
    return [n.text for n in record.visible_notes()]


# ---------------------------------------------------------------- the anonymity rule


def test_the_engine_keeps_author_names_only_for_named_steps(played) -> None:
    engine, ids = played
    for note in engine.state.notes.values():
        _, step = engine.step_def(note.step)
        if getattr(step.input, "anonymous", True):
            assert note.author_name is None, note
    assert engine.state.notes[ids["rose"]].author_name == "Alice Named"
    assert engine.state.notes[ids["thorn"]].author_name == "Bob Secret"


def test_the_record_cannot_link_anonymous_input_to_a_person(record: Record, played) -> None:
    _, ids = played
    state = record.state
    assert all(p.name is None and p.key == "" for p in state.participants.values())
    secret = state.notes[ids["secret"]]
    assert secret.author == "" and secret.author_name is None
    assert state.notes[ids["rose"]].author_name == "Alice Named"  # a named step keeps it
    for ballots in state.votes.values():
        assert all(voter.startswith("voter-") for voter in ballots)
    for ratings in state.ratings.values():
        assert all(rater.startswith("rater-") for rater in ratings)
    assert state.receipts == {}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_names_appear_only_with_named_notes(outputs: dict[str, str], fmt: str) -> None:
    text = outputs[fmt]
    assert "secret-join-key-123" not in text
    assert "Keyholder" not in text  # joined with a name, wrote nothing named
    # Bob wrote one named note and one anonymous one: his name appears once, with the
    # named note, in every format.
    assert text.count("Bob Secret") == 1
    assert text.count("Alice Named") == 1


def test_anonymous_notes_carry_no_name_in_readable_exports(outputs: dict[str, str]) -> None:
    md_line = next(
        line for line in outputs["md"].splitlines() if "Bob wrote this anonymously" in line
    )
    assert "Bob" not in md_line.replace("Bob wrote this anonymously", "")
    html = outputs["html"]
    card = html[html.index("Bob wrote this anonymously") :]
    card = card[: card.index("</li>")]
    assert "Secret" not in card and "author" not in card
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].lstrip("\ufeff"))))
    [row] = [r for r in rows if r["text"] == "Bob wrote this anonymously"]
    assert row["author"] == ""
    [named] = [r for r in rows if r["text"] == "Waiting lists"]
    assert named["author"] == "Bob Secret"


# ---------------------------------------------------------------- Markdown


def test_markdown_escapes_participant_text(outputs: dict[str, str], record: Record) -> None:
    md = outputs["md"]
    assert "\\<script>alert(1)\\</script>" in md  # only the "<" that opens a tag
    assert "[@click=app.quit]x[/]" in md  # not Markdown: left as written
    assert "\n- \\# heading" in md
    assert "\\| table \\| row \\|" in md
    assert "back\\`tick\\` \\*star\\* \\_under\\_ \\\\slash" in md
    # The multi-line note stays on its bullet, each line escaped, no trailing backslash.
    assert "- line one\n  line two\n  \\> quoted\n  \\- listed" in md
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)
    assert "<script" not in html and "<a " not in html and "&lt;script&gt;" in html


def _md_tokens(md: str):
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return parser, parser.parse(md)


def test_markdown_structure_survives_a_real_parser(outputs: dict[str, str], record: Record) -> None:
    md = outputs["md"]
    parser, tokens = _md_tokens(md)
    html = parser.render(md)
    assert "<script" not in html and "<b>" not in html and "<a " not in html
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    expected = ["Sample workshop", "Plan and actual", "1. Sample method"]
    assert headings[:3] == expected
    assert headings[-1] == "Actions agreed"
    assert all(h[0].isdigit() or h in [*expected, "Actions agreed"] for h in headings)
    # Each visible note is the text of exactly one list item, rendered literally.
    inline = [t for t in tokens if t.type == "inline"]
    for text in visible_texts(record):
        flat = " ".join(text.split())
        hits = [t for t in inline if flat in _plain(t).replace("\n", " ")]
        assert hits, f"note not rendered literally: {text[:40]!r}"


def _plain(token) -> str:
    """The literal text of an inline token (what a reader sees)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


@pytest.mark.parametrize(
    "text",
    [
        *sample.AWKWARD,
        "1. numbered",
        "1) also",
        "***",
        "---",
        "===",
        "    indented code",
        "```",
        "~~~",
        "![img](http://x/y.png)",
        "[link](http://x)",
        "<http://auto.link>",
        "&amp; &lt;",
        "$x^2$",
        "a | b",
        ":emoji:",
        "@here",
        "* star",
        "+ plus",
        "<!-- comment -->",
    ],
)
def test_markdown_escape_renders_back_to_the_same_text(text: str) -> None:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = parser.parse(escape(text))
    blocks = [
        t.type
        for t in tokens
        if t.nesting == 1 or t.type in ("hr", "fence", "code_block", "html_block")
    ]
    assert blocks == ["paragraph_open"], (text, blocks)
    [inline] = [t for t in tokens if t.type == "inline"]
    assert [ch.type for ch in inline.children] == ["text"] * len(inline.children)
    assert _plain(inline) == " ".join(text.split())


def test_markdown_content(outputs: dict[str, str]) -> None:
    md = outputs["md"]
    assert "| 1 | Sample method | 09:30–10:15 (45 min) |" in md
    assert "> What works about home care?" in md  # the prompt, variable filled
    assert "*No notes.*" in md  # the empty step
    # Grouped by cluster; a theme's dots are on the theme, not on each of its notes.
    # Each theme with its notes under it; the step they came from says where they went.
    assert "- **Staff [bold]time[/]** — 2 notes, 2 dots\n  - Carers who stay — *Rose" in md
    assert "*4 notes are listed under their themes in “Themes”.*" in md
    assert "- Carers who stay — *Rose · Alice Named*" in md
    assert "- **Later** (parking lot) — 1 note" in md
    assert "- **1.** 3 dots — -2" in md  # tallies, most first, ties as ties:
    assert "- **=2.** 1 dot — \\# heading" in md and "- **=2.** 1 dot — Bob wrote" in md
    assert "3 ratings, mean **4.3**" in md and "| 4 good | 2 |" in md
    assert "**Before** (1)" in md and "- Phone call" in md
    assert "- **Fran**: +1" in md  # the action
    assert "Rude remark" not in md and "1 note hidden by the facilitator" in md
    assert "**Participants:** 4" in md and "Fran, Sam" in md
    assert "x" * 500 in md


# ---------------------------------------------------------------- HTML


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escaped(outputs: dict[str, str], record: Record) -> None:
    html = outputs["html"]
    page = _Collect()
    page.feed(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "iframe" not in tags and "b" in tags  # our own <b>, never a participant's
    assert tags.count("style") == 1
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert "http" not in (value or ""), (tag, name, value)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Formulas&lt;/b&gt;" in html
    text = "".join(page.text)
    for note in visible_texts(record):
        assert note in text
    assert "Rude remark" not in html
    assert "Content-Security-Policy" in html and "@media print" in html


def test_html_cards_bars_and_colours(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    assert 'class="card' in html and 'style="--c:#ffd6e0"' in html  # the Rose colour
    assert 'style="width:100.0%"' in html and 'style="width:33.3%"' in html  # vote bars
    assert 'dir="auto"' in html  # RTL text lays itself out
    assert "parking" in html and "Mean <b>4.3</b>" in html


# ---------------------------------------------------------------- CSV


def test_csv_one_row_per_visible_note_and_no_formulas(
    outputs: dict[str, str], record: Record
) -> None:
    text = outputs["csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header, body = rows[0], rows[1:]
    assert header == [
        "step",
        "cluster",
        "category",
        "votes",
        "author",
        "time",
        "region",
        "action owner",
        "text",
        "note",
        "group",
        "picked",
    ]
    assert len(body) == len(record.visible_notes())
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    by_text = {row[8].lstrip("'"): dict(zip(header, row, strict=False)) for row in body}
    assert by_text['=HYPERLINK("http://x")']["text"] == '\'=HYPERLINK("http://x")'
    assert by_text["+1"]["text"] == "'+1" and by_text["+1"]["action owner"] == "Fran"
    assert by_text["-2"]["text"] == "'-2" and by_text["-2"]["votes"] == "3"
    assert by_text["@SUM(A1)"]["text"] == "'@SUM(A1)"
    assert by_text["@SUM(A1)"]["cluster"] == "<b>Formulas</b>"
    assert by_text["Carers who stay"]["votes"] == "2"  # its cluster's dots
    assert by_text["<script>alert(1)</script>"]["votes"] == "2"  # 0 on it + 2 on its theme
    assert by_text["Carers who stay"]["category"] == "Rose"
    assert by_text["Phone call"]["region"] == "Before"
    assert by_text["line one\nline two\n> quoted\n- listed"]  # newlines kept, quoted
    assert by_text["x" * 500]
    assert "Rude remark to hide" not in by_text
    assert by_text["Carers who stay"]["time"].startswith("2024-05-06T")


# ---------------------------------------------------------------- JSON and TOML


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_full_record_round_trips(outputs: dict[str, str], record: Record, fmt: str) -> None:
    loaded = load_record(outputs[fmt], fmt)
    assert loaded == record
    assert export(loaded, fmt) == outputs[fmt]
    for other in ("md", "html", "docx", "csv"):
        assert readable(loaded, other) == outputs[other]


def test_a_record_whose_source_was_checked_on_a_date_round_trips() -> None:
    """JSON has no dates: a source's ``checked`` comes back as text and must load again."""
    methods = sample.methods()
    method = next(iter(methods.values()))
    source = {"title": "A guide", "checked": "2026-12-02", "url_status": "confirmed"}
    dated = Method.model_validate(method.model_dump(by_alias=True) | {"sources": [source]})
    engine = Engine(sample.plan(), methods | {dated.id: dated}, clock=sample.Clock())
    record = Record.from_engine(engine)
    for fmt in ("json", "toml"):
        loaded = load_record(export(record, fmt), fmt)
        assert loaded == record
        assert str(loaded.methods[dated.id].sources[0].checked) == "2026-12-02"


def test_full_record_keeps_hidden_notes(outputs: dict[str, str], played) -> None:
    _, ids = played
    data = json.loads(outputs["json"])
    hidden = data["state"]["notes"][ids["hidden"]]
    assert hidden["hidden"] is True and hidden["text"] == "Rude remark to hide"
    toml = tomllib.loads(outputs["toml"])
    assert toml["state"]["notes"][ids["hidden"]]["hidden"] is True
    assert toml["plan"]["days"][0]["agenda"][1]["break"] == 15
    assert data["format"] == "sessionkit.record" and data["version"] == 1


# ---------------------------------------------------------------- other moments and plans


def _mid_session() -> Record:
    clock = sample.Clock()
    engine = Engine(sample.plan(), sample.methods(), clock=clock)
    sample.play(engine, clock, end=False)
    sample.go(engine, sample.ANON, clock)
    return Record.from_engine(engine)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_mid_session_and_before_the_start(fmt: str) -> None:
    fresh = Record.from_engine(Engine(sample.plan(), sample.methods(), clock=sample.Clock()))
    assert fresh.status == "not started"
    readable(fresh, fmt)
    middle = _mid_session()
    assert middle.status == "in progress"
    text = readable(middle, fmt)
    if fmt == "md":
        assert "(in progress)" in text
    if fmt in ("json", "toml"):
        assert load_record(text, fmt) == middle


def _load_bundled(plan_id: str) -> tuple[Plan, dict[str, Method]]:
    path = ROOT / "sessions" / f"{plan_id}.toml"
    if not path.is_file():
        pytest.skip(f"{path} is not there")
    try:
        plan = Plan.model_validate(tomllib.loads(path.read_text()))
    except Exception as error:
        pytest.skip(f"{path} does not load yet: {error}")
    methods = {}
    for _, item in plan.items():
        if item.method:
            try:
                file = ROOT / "methods" / f"{item.method}.toml"
                methods[item.method] = Method.model_validate(tomllib.loads(file.read_text()))
            except Exception as error:
                pytest.skip(f"method {item.method} does not load yet: {error}")
    return plan, methods


def test_the_bundled_plan_exports(tmp_path: Path) -> None:
    plan, methods = _load_bundled("unpicking-the-knot")
    clock = sample.Clock()
    engine = Engine(plan, methods, clock=clock)
    people = [engine.execute(c.Join(name=f"P{n}"), NEWCOMER).data["participant"] for n in range(3)]
    engine.execute(c.StartSession())
    while True:
        _, step = engine.step_def()
        kind = step.input.kind if step else None
        try:
            if kind in ("notes", "canvas"):
                category = (
                    step.input.categories[0].id if getattr(step.input, "categories", None) else None
                )
                region = None
                if kind == "canvas":  # a region, or a grid's first cell ("row.column")
                    spec = step.input
                    region = (
                        spec.regions[0].id
                        if spec.regions
                        else f"{spec.rows[0].id}.{spec.columns[0].id}"
                    )
                for who in people:
                    engine.execute(
                        c.AddNote(text=f"<i>{who}</i> =1+1", category=category, region=region), who
                    )
            elif kind == "cluster":
                notes = [
                    n.id for n in engine.state.notes.values() if n.step in engine.cluster_sources()
                ]
                engine.execute(c.CreateCluster(label="Everything", notes=notes))
            elif kind == "vote":
                engine.execute(c.OpenVote())
                targets = engine.vote_targets()
                if targets:
                    engine.execute(c.CastVote(target=targets[0]), people[0])
            elif kind == "rating":
                engine.execute(c.Rate(value=step.input.scale_max), people[0])
            elif kind == "discussion":
                engine.execute(c.SetSummary(text="Talked it through."))
        except Exception as error:  # a step this simple driver cannot satisfy
            if not hasattr(error, "code"):
                raise
        clock.tick(300)
        try:
            engine.execute(c.NextStep())
        except Exception:
            break
    engine.execute(c.EndSession())
    record = Record.from_engine(engine)
    for fmt in FORMATS:
        text = readable(record, fmt)
        assert text
        shown = MarkdownIt("commonmark").render(text) if fmt == "md" else text
        assert "<i>" not in shown or fmt in ("csv", "json", "toml", "docx")  # text kept literally
    assert load_record(export(record, "toml"), "toml") == record
    assert load_record(export(record, "json"), "json") == record
    md = export(record, "md")
    assert f"# {escape(plan.title)}" in md


# ---------------------------------------------------------------- the one list of formats


def test_the_readme_lists_exactly_the_export_formats() -> None:
    """The README's command table names the formats on the `export` line; FORMATS is the
    one list of them, so the README must not drift from it (order included)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "sessionkit export RUN --format " in line]
    assert len(lines) == 1, lines
    listed = lines[0].split("--format ", 1)[1].split()[0]
    # In a Markdown table the alternatives are separated by an escaped bar.
    assert listed.split("\\|") == list(FORMATS)


def test_aliases_and_loaders_come_from_the_table() -> None:
    from sessionkit.export import ALIASES, DEFAULT, LOADERS, format_named

    assert DEFAULT == next(iter(FORMATS))
    for fmt in FORMATS.values():
        assert format_named(fmt.name) is fmt
        for alias in fmt.aliases:
            assert ALIASES[alias] == fmt.name and format_named(alias.upper()) is fmt
    assert sorted(LOADERS) == sorted(n for n, f in FORMATS.items() if f.load is not None)
    assert {"json", "toml"} <= set(LOADERS)


def test_people_counted_on_paper_are_said_beside_the_phones() -> None:
    clock = sample.Clock()
    engine = Engine(sample.plan(), sample.methods(), clock=clock)
    sample.play(engine, clock)
    phones = len(engine.state.participants)
    assert "on paper" not in export(Record.from_engine(engine), "md")
    engine.execute(c.SetPaperPeople(count=5))
    record = Record.from_engine(engine)
    assert f"**Participants:** {phones} and 5 on paper" in export(record, "md")
    assert f"{phones} participants and 5 on paper" in export(record, "html")
    assert "and 5 on paper" in readable(record, "docx")
    assert load_record(export(record, "json"), "json").state.paper_people == 5

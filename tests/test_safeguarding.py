"""The session's safeguarding lead, end to end: the plan's ``[safeguarding]`` table (checked,
located), the facilitator's ``set_safeguarding`` (journalled: a resumed run keeps it), the
line every phone shows, the exports (the lead named, the contact left out), the command
line, and the standard every bundled method's safeguarding note keeps.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import httpx
import pytest

from sessionkit.cli import main
from sessionkit.cli.run import PlanNotFound, build_session
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.core.safeguarding import Safeguarding, current, phone_line
from sessionkit.export import export, load_record
from sessionkit.library import bundled_dirs, load_library
from sessionkit.store import create_run, open_run
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.web import WebLimits, create_app

TOKEN = "care-token-1234"
LEAD = {"lead": "Sam Jones, team manager", "contact": "07700 900123", "procedure": "Wales"}
PLAN_TEXT = """\
title = "Care test"

[safeguarding]
lead = "Sam Jones, team manager"
contact = "in the room, blue lanyard"
procedure = "Wales Safeguarding Procedures"

[[days]]
start = "09:00"
end = "10:00"
agenda = [{ method = "check-in" }]
"""


def plan_with(lead: dict[str, str] | None) -> Plan:
    plan = sample_plan()
    if lead is None:
        return plan
    return plan.model_copy(update={"safeguarding": Safeguarding(**lead)})


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the plan's table


def test_a_plan_names_its_lead(tmp_path):
    write(tmp_path / "sessions", "care-test.toml", PLAN_TEXT)
    library = load_library(session_dirs=[tmp_path / "sessions"], config=False, cwd=False)
    assert [p for p in library.problems if "care-test" in str(p.file)] == []
    lead = library.plans["care-test"].safeguarding
    assert lead == Safeguarding(
        lead="Sam Jones, team manager",
        contact="in the room, blue lanyard",
        procedure="Wales Safeguarding Procedures",
    )


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (('contact = "in', 'contcat = "in'), "safeguarding.contcat", "did you mean 'contact'"),
        (
            ('lead = "Sam Jones, team manager"', 'lead = ""'),
            "safeguarding.lead",
            "must not be empty",
        ),
        (('lead = "Sam Jones, team manager"', "lead = 3"), "safeguarding.lead", "expected text"),
        (('procedure = "Wales', f'procedure = "{"x" * 130}'), "safeguarding.procedure", "120"),
    ],
)
def test_a_wrong_safeguarding_table_is_located(tmp_path, change, field, expected):
    old, new = change
    text = PLAN_TEXT.replace(old, new, 1)
    write(tmp_path / "sessions", "care-test.toml", text)
    library = load_library(session_dirs=[tmp_path / "sessions"], config=False, cwd=False)
    [problem] = [p for p in library.problems if "care-test" in str(p.file)]
    assert problem.field == field
    assert expected in problem.message
    wrong_line = next(n for n, line in enumerate(text.splitlines(), 1) if new[:8] in line)
    assert problem.line == wrong_line


def test_lines_are_folded_and_control_characters_dropped():
    lead = Safeguarding(lead="Sam\n  Jones\x1b]0;x\x07", contact="room 2\tby the lift")
    assert lead.lead == "Sam Jones]0;x"
    assert lead.contact == "room 2 by the lift"


# ---------------------------------------------------------------- the run


def test_the_facilitator_names_changes_and_clears_the_lead():
    engine = Engine(plan_with(LEAD), sample_methods())
    assert current(engine.plan.safeguarding, engine.state).lead == "Sam Jones, team manager"
    engine.execute(c.SetSafeguarding(lead="Ali Khan", contact="ext 4410"))
    now = current(engine.plan.safeguarding, engine.state)
    assert (now.lead, now.contact, now.procedure) == ("Ali Khan", "ext 4410", "")
    engine.execute(c.SetSafeguarding(lead="", contact="left over"))
    assert current(engine.plan.safeguarding, engine.state) is None
    assert engine.state.safeguarding == {"lead": "", "contact": "", "procedure": ""}


def test_only_the_facilitator_names_the_lead():
    engine = Engine(sample_plan(), sample_methods())
    engine.execute(c.StartSession())
    person = engine.execute(c.Join(name="Bo"), actor="newcomer").data["participant"]
    with pytest.raises(Exception, match="Only the facilitator"):
        engine.execute(c.SetSafeguarding(lead="Bo"), actor=person)
    assert current(engine.plan.safeguarding, engine.state) is None


def test_a_resumed_run_keeps_the_lead_named_during_it(tmp_path):
    run = create_run(tmp_path, sample_plan(), sample_methods())
    run.engine.execute(c.SetSafeguarding(lead="Ali Khan", contact="ext 4410"))
    folder = run.folder
    run.close()
    again = open_run(folder)
    try:
        lead = current(again.engine.plan.safeguarding, again.engine.state)
        assert (lead.lead, lead.contact) == ("Ali Khan", "ext 4410")
    finally:
        again.close()


def test_the_phone_line_names_the_lead_and_how_to_reach_them():
    assert phone_line(None) == ""
    assert phone_line(Safeguarding(lead="Sam Jones")) == (
        "Worried about someone's safety? Talk to Sam Jones (safeguarding lead)"
    )
    assert phone_line(Safeguarding(lead="Sam Jones", contact="blue lanyard")).endswith(
        "(safeguarding lead): blue lanyard"
    )


# ---------------------------------------------------------------- phones


@pytest.fixture
async def phone():
    engine = Engine(sample_plan(), sample_methods())
    limits = WebLimits(rate=1000.0, burst=1000, anonymous_rate=1000.0, anonymous_burst=1000)
    app = create_app(engine, token=TOKEN, limits=limits)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://phone") as http:
        http.engine = engine  # type: ignore[attr-defined]
        yield http


async def test_every_phone_screen_shows_who_to_talk_to(phone):
    engine = phone.engine
    page = (await phone.get(f"/j/{TOKEN}")).text
    assert '<p id="care-line" class="care-line" hidden></p>' in page  # none named: nothing

    engine.execute(c.SetSafeguarding(lead="Sam <b>Jones</b>", contact="blue lanyard"))
    page = (await phone.get(f"/j/{TOKEN}")).text  # the join screen, before joining
    assert (
        '<p id="care-line" class="care-line">Worried about someone&#x27;s safety? Talk to '
        "Sam &lt;b&gt;Jones&lt;/b&gt; (safeguarding lead): blue lanyard</p>"
    ) in page

    joined = await phone.post(
        f"/j/{TOKEN}/api/join", json={"name": "Bo", "client_id": "c" * 20 + "-join"}
    )
    key = {"X-Participant-Key": joined.json()["key"]}
    state = (await phone.get(f"/j/{TOKEN}/api/state", headers=key)).json()
    assert state["public"]["session"]["safeguarding"] == (
        "Worried about someone's safety? Talk to Sam <b>Jones</b> (safeguarding lead): blue lanyard"
    )
    engine.execute(c.SetSafeguarding(lead=""))
    state = (await phone.get(f"/j/{TOKEN}/api/state", headers=key)).json()
    assert state["public"]["session"]["safeguarding"] == ""


# ---------------------------------------------------------------- exports


def test_exports_name_the_lead_but_not_how_to_reach_them():
    engine = Engine(plan_with(LEAD), sample_methods())
    engine.execute(c.StartSession())
    markdown = export(Record.from_engine(engine), "md")
    assert "**Safeguarding lead:** Sam Jones, team manager (Wales)" in markdown
    html = export(Record.from_engine(engine), "html")
    assert "safeguarding lead: Sam Jones, team manager (Wales)" in html
    for fmt in ("md", "html", "json", "toml", "csv"):
        assert "07700 900123" not in export(Record.from_engine(engine), fmt), fmt

    engine.execute(c.SetSafeguarding(lead="Ali Khan", contact="07700 900456"))
    record = Record.from_engine(engine)
    assert "**Safeguarding lead:** Ali Khan" in export(record, "md")
    for fmt in ("json", "toml"):
        text = export(record, fmt)
        assert "07700 900456" not in text and "Ali Khan" in text
        assert load_record(text, fmt).safeguarding_text == "Ali Khan"


def test_an_export_without_a_lead_says_nothing_of_one():
    engine = Engine(sample_plan(), sample_methods())
    assert "Safeguarding" not in export(Record.from_engine(engine), "md")


# ---------------------------------------------------------------- the command line


def args(**given: object) -> argparse.Namespace:
    values: dict[str, object] = {"sample": True, "plan": None}
    values.update(given)
    return argparse.Namespace(**values)


def test_run_names_the_lead_from_the_command_line():
    engine = build_session(args(safeguarding_lead="Ali Khan", safeguarding_contact="ext 4410"))
    assert engine.plan.safeguarding == Safeguarding(lead="Ali Khan", contact="ext 4410")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"safeguarding_contact": "ext 4410"}, "needs --safeguarding-lead"),
        ({"safeguarding_lead": ""}, "1 to 80 characters"),
        ({"safeguarding_lead": "x" * 81}, "1 to 80 characters"),
    ],
)
def test_run_refuses_a_lead_it_cannot_use(given, expected):
    with pytest.raises(PlanNotFound, match=expected):
        build_session(args(**given))


def test_check_warns_of_a_method_with_no_safeguarding_note(capsys, tmp_path):
    source = (bundled_dirs()[0] / "rose-thorn-bud.toml").read_text(encoding="utf-8")
    kept = [line for line in source.splitlines() if not line.startswith("safeguarding =")]
    path = write(tmp_path / "mine", "rose-thorn-bud.toml", "\n".join(kept) + "\n")
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out  # a warning: the method still runs
    assert "warning: " in out and "care.safeguarding: no safeguarding note" in out


# ---------------------------------------------------------------- the bundled methods


def bundled_methods() -> list[Path]:
    return sorted(bundled_dirs()[0].glob("*.toml"))


@pytest.mark.parametrize("path", bundled_methods(), ids=lambda p: p.stem)
def test_every_bundled_method_gives_an_immediate_path(path):
    """The agreed wording (docs/safeguarding.md): a path for immediate danger that does
    not wait for the end of the session, and the lead to tell."""
    care = tomllib.loads(path.read_text(encoding="utf-8"))["care"]
    text = " ".join(care.get("safeguarding", "").split())
    assert "immediate danger" in text, path.name
    assert "safeguarding lead" in text, path.name
    assert "999" in text and "same day" in text, path.name
    assert text.count(".") <= 6, f"{path.name}: keep it to 3-5 sentences"


@pytest.mark.parametrize("path", bundled_methods(), ids=lambda p: p.stem)
def test_no_care_note_promises_what_an_anonymous_step_cannot_keep(path):
    care = tomllib.loads(path.read_text(encoding="utf-8"))["care"]
    for field in ("power_dynamics", "lived_experience", "safeguarding", "accessibility"):
        text = " ".join(care.get(field, "").split()).lower()
        for promise in ("talk to them afterwards", "check in with them quietly after"):
            assert promise not in text, f"{path.name}: care.{field}"
        if field == "safeguarding":
            assert "after the session" not in text or "now" in text, path.name

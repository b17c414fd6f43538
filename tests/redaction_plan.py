"""One plan with every kind of participant-written text, for the redaction tests: a step
of each kind that collects text, and steps that count notes (a cluster, a vote)."""

from __future__ import annotations

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER

KINDS = [{"id": "rose", "label": "Rose"}, {"id": "thorn", "label": "Thorn"}]
TEAMS = [{"id": "health", "label": "Health"}, {"id": "housing", "label": "Housing"}]
ROWS = [{"id": "front", "label": "Front stage"}]
COLUMNS = [{"id": "before", "label": "Before"}, {"id": "after", "label": "After"}]

# Step keys, by name.
JOT, MAP, PAIRS, GROUP, DOTS, WORDS, ASK, ACT, NEEDS = (f"0.{i}" for i in range(9))

SECRET = "Zanzibar-7731 lives at 4 Elm Row"
"""The text that must not survive a redaction: unique, so any trace of it is found."""


def every_text_plan() -> tuple[Plan, dict[str, Method]]:
    method = make_method(
        "every-text",
        [
            step("jot", {"kind": "notes", "categories": KINDS}),
            step("map", {"kind": "canvas", "rows": ROWS, "columns": COLUMNS}),
            step("pairs", {"kind": "notes"}, groups={"size": 2}),
            step("group", {"kind": "cluster", "source_steps": ["jot"]}),
            step("dots", {"kind": "vote", "target_step": "jot", "target": "notes"}),
            step("words", {"kind": "words", "max_words": 3}),
            step("ask", {"kind": "questions"}),
            step("act", {"kind": "actions", "from_step": "jot"}),
            step("needs", {"kind": "requests", "teams": TEAMS}),
        ],
    )
    return make_plan([{"method": "every-text"}], id="every-text"), {"every-text": method}


def every_text_engine(**kw) -> Engine:
    engine = make_engine(*every_text_plan(), **kw)
    engine.execute(c.StartSession())
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def go(engine: Engine, key: str) -> None:
    item, index = (int(part) for part in key.split("."))
    engine.execute(c.GoTo(item=item, step=index))


def fill(engine: Engine) -> dict[str, str]:
    """One secret of each kind, written by phones (and one paper note); returns kind -> id.
    Two people, so the pairs step has a group; a cluster and dots count the jot note."""
    ann, bo = join(engine, "Ann"), join(engine, "Bo")
    ids: dict[str, str] = {}
    ids["note"] = engine.execute(c.AddNote(text=SECRET, category="rose"), ann).data["note"]
    ids["paper"] = engine.execute(c.AddNote(text=SECRET + " (paper)", category="thorn")).data[
        "note"
    ]
    go(engine, MAP)
    ids["grid"] = engine.execute(c.AddNote(text=SECRET, region="front.before"), ann).data["note"]
    go(engine, PAIRS)
    ids["group"] = engine.execute(c.AddNote(text=SECRET), bo).data["note"]
    go(engine, GROUP)
    engine.execute(c.CreateCluster(label="Housing", notes=[ids["note"]]))
    go(engine, DOTS)
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids["note"]), bo)
    go(engine, WORDS)
    ids["word"] = engine.execute(c.AddWords(text="Zanzibar-7731"), ann).data["answer"]
    ids["word2"] = engine.execute(c.AddWords(text="zanzibar-7731!"), bo).data["answer"]
    go(engine, ASK)
    ids["question"] = engine.execute(c.AskQuestion(text=SECRET), ann).data["question"]
    engine.execute(c.Upvote(question=ids["question"]), bo)
    go(engine, ACT)
    ids["action"] = engine.execute(c.AddAction(what=SECRET), ann).data["action"]
    go(engine, NEEDS)
    engine.execute(c.ChooseTeam(team="health"), ann)
    engine.execute(c.ChooseTeam(team="housing"), bo)
    ids["request"] = engine.execute(c.SendRequest(text=SECRET, team="housing"), ann).data["request"]
    engine.execute(c.AnswerRequest(request=ids["request"], answer="yes", reply=SECRET), bo)
    ids["ann"], ids["bo"] = ann, bo
    return ids

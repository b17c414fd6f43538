"""One plan with a step of every input kind (and a grouped one, rings and a grid), filled
with what the room may see and what it may not, for the room page's tests.

Everything the room must never see carries a mark of its own, so any trace of it in
what the room page is sent is found by a plain search.
"""

from __future__ import annotations

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER

KINDS = [{"id": "rose", "label": "Rose"}, {"id": "thorn", "label": "Thorn"}]
RINGS = [{"id": "me", "label": "Me"}, {"id": "team", "label": "My team"}]
ROWS = [{"id": "front", "label": "Front stage"}]
COLUMNS = [{"id": "before", "label": "Before"}, {"id": "after", "label": "After"}]
TEAMS = [{"id": "health", "label": "Health"}, {"id": "housing", "label": "Housing"}]
IMPACT = {"id": "impact", "label": "Impact"}

STEPS = [
    ("jot", {"kind": "notes", "categories": KINDS, "private": True}),
    ("named", {"kind": "notes", "anonymous": False}),
    ("map", {"kind": "canvas", "rows": ROWS, "columns": COLUMNS}),
    ("circles", {"kind": "canvas", "layout": "rings", "regions": RINGS}),
    ("pairs", {"kind": "notes"}),
    ("group", {"kind": "cluster", "source_steps": ["jot"]}),
    ("dots", {"kind": "vote", "target_step": "jot", "target": "notes"}),
    ("rate", {"kind": "rating", "scale_min": 1, "scale_max": 5}),
    ("talk", {"kind": "discussion"}),
    ("words", {"kind": "words", "max_words": 3}),
    ("ask", {"kind": "questions"}),
    ("act", {"kind": "actions", "from_step": "jot"}),
    ("judge", {"kind": "sort", "target_step": "jot", "buckets": ["Keep", "Drop"]}),
    ("order", {"kind": "rank", "target_step": "jot", "mode": "score", "criteria": [IMPACT]}),
    ("needs", {"kind": "requests", "teams": TEAMS}),
    ("look-back", {"kind": "review"}),
]
KEY = {name: f"0.{i}" for i, (name, _) in enumerate(STEPS)}
"""Step name -> step key."""

FACILITATOR_NOTE = "Facnote-quokka: watch the quiet table"
HIDDEN = "Hidden-wombat text"
PRIVATE = "Private-numbat text"
REMOVED = "Removed-dingo at 9 Gum Lane"
NAME = "Ann Bilbyname"
"""Ann's name: shown on the named step only."""
SECRET_MARKS = ("quokka", "wombat", "dingo")
"""Never in anything the room is sent (the private mark is, once revealed)."""
SHOWN = "Shown-koala text"
"""On every step that shows notes: proof the view is not simply empty."""


def room_plan() -> tuple[Plan, dict[str, Method]]:
    steps = [
        step(
            name,
            spec,
            facilitator_notes=FACILITATOR_NOTE,
            **({"groups": {"size": 2}} if name == "pairs" else {}),
        )
        for name, spec in STEPS
    ]
    method = make_method("every-kind", steps)
    return make_plan([{"method": "every-kind"}], id="every-kind"), {"every-kind": method}


CARRIED = [
    {"ref": "earlier/a1", "what": SHOWN, "who": "Sam", "origin": {"run": "earlier"}},
]
"""An open action of an earlier run of the series, for the review step."""


def room_engine(**kw) -> Engine:
    kw.setdefault("series", "room-series")
    kw.setdefault("carried", CARRIED)
    engine = make_engine(*room_plan(), **kw)
    engine.execute(c.StartSession())
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def go(engine: Engine, name: str) -> None:
    item, index = (int(part) for part in KEY[name].split("."))
    engine.execute(c.GoTo(item=item, step=index))


def fill(engine: Engine) -> dict[str, str]:
    """Ann, Bo and Cy answer every step; a note of each kind the room may not see (hidden,
    private, removed) where notes go; a word, a question, an action taken out. Returns
    name -> id of what the tests look at again."""
    ann, bo, cy = join(engine, NAME), join(engine, "Bo"), join(engine, "Cy")
    ids = {"ann": ann, "bo": bo, "cy": cy}

    def note(who: str, text: str, **extra: str) -> str:
        return str(engine.execute(c.AddNote(text=text, **extra), who).data["note"])

    go(engine, "jot")  # private until revealed
    ids["private"] = note(ann, PRIVATE, category="rose")
    ids["jot_hidden"] = note(bo, HIDDEN, category="thorn")
    ids["jot_removed"] = note(cy, REMOVED, category="rose")
    ids["shown"] = note(bo, SHOWN, category="rose")
    engine.execute(c.HideNote(note=ids["jot_hidden"]))
    engine.execute(c.RedactText(item=ids["jot_removed"], reason="personal-data"))
    for name, region in (("named", None), ("map", "front.before"), ("circles", "team")):
        go(engine, name)
        where = {"region": region} if region else {}
        note(ann, SHOWN, **where)
        engine.execute(c.HideNote(note=note(bo, HIDDEN, **where)))
        engine.execute(c.RedactText(item=note(cy, REMOVED, **where), reason="safeguarding"))
    go(engine, "pairs")
    note(ann, SHOWN)
    engine.execute(c.HideNote(note=note(bo, HIDDEN)))
    go(engine, "group")
    engine.execute(c.CreateCluster(label="Housing", notes=[ids["shown"], ids["jot_hidden"]]))
    go(engine, "dots")
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids["shown"]), bo)
    go(engine, "rate")
    engine.execute(c.Rate(value=4), ann)
    go(engine, "talk")
    engine.execute(c.SetSummary(text="We agreed to meet monthly."))
    go(engine, "words")
    engine.execute(c.AddWords(text="koala"), ann)
    engine.execute(c.AddWords(text="wombat"), bo)
    engine.execute(c.HideWord(word="wombat"))
    engine.execute(c.AddWords(text="dingo"), cy)
    engine.execute(c.RedactText(item=_last(engine.state.words), reason="other"))
    go(engine, "ask")
    engine.execute(c.AskQuestion(text=SHOWN), ann)
    hidden_q = engine.execute(c.AskQuestion(text=HIDDEN), bo).data["question"]
    engine.execute(c.HideQuestion(question=hidden_q))
    removed_q = engine.execute(c.AskQuestion(text=REMOVED), cy).data["question"]
    engine.execute(c.RedactText(item=removed_q, reason="other"))
    go(engine, "act")
    engine.execute(c.AddAction(what=SHOWN), ann)
    dropped = engine.execute(c.AddAction(what=HIDDEN), bo).data["action"]
    engine.execute(c.DropAction(action=dropped))
    removed_a = engine.execute(c.AddAction(what=REMOVED), cy).data["action"]
    engine.execute(c.RedactText(item=removed_a, reason="other"))
    go(engine, "judge")
    engine.execute(c.PlaceItem(item=ids["shown"], bucket="Keep"), ann)
    go(engine, "order")
    engine.execute(c.ScoreItem(item=ids["shown"], criterion="impact", value=4), ann)
    go(engine, "needs")
    engine.execute(c.ChooseTeam(team="health"), ann)
    engine.execute(c.SendRequest(text=SHOWN, team="housing"), ann)
    removed_r = engine.execute(c.SendRequest(text=REMOVED, team="housing"), cy).data["request"]
    engine.execute(c.RedactText(item=removed_r, reason="other"))
    go(engine, "look-back")
    action = next(iter(engine.state.reviews))
    engine.execute(c.SetActionStatus(action=action, status="in progress"), ann)
    return ids


def _last(items: dict[str, object]) -> str:
    return list(items)[-1]

"""Every key of every screen, written once.

Each screen's ``BINDINGS`` (what the footer shows), its entries in the command palette and
the help screen (``?``) are all made from these lists, so a key cannot be documented in one
place and missing from another. Whether an action applies right now (a vote key on a notes
step) is decided by the screen's ``check_action``: the footer hides what does not apply,
the palette leaves it out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    keys: str
    """Textual key names, comma-separated (the first is the one shown)."""
    action: str
    label: str
    """Short, for the footer."""
    help: str
    """A sentence, for the palette and the help screen."""
    group: str
    show: bool = True
    display: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    """Footer labels for particular kinds of step, e.g. (("rating", "Paper rating"),)."""
    footer: tuple[str, ...] | None = None
    """Kinds of step on which the footer shows this key (None: wherever it applies).
    The key works wherever it applies; this only keeps the footer short enough to read."""
    essential: bool = False
    """Shown first in the footer, so it is there even at 80 columns (the rest follow in
    this list's order while they fit)."""
    # (Order matters: the footer drops keys from the end when the terminal is narrow.)

    def label_for(self, kind: str) -> str:
        return dict(self.labels).get(kind, self.label)

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=self.show, key_display=self.display)

    @property
    def shown_keys(self) -> str:
        """The keys as the footer shows them (``display`` may name a pair: ``[ ]``)."""
        return self.display or self.named_keys

    @property
    def named_keys(self) -> str:
        """Each key this binding has, by the name on the keyboard (``[``, ``+ =``): for
        the help screen and the palette, which list every key on its own row."""
        names = {
            "space": "space",
            "plus": "+",
            "equals_sign": "=",
            "question_mark": "?",
            "left_square_bracket": "[",
            "right_square_bracket": "]",
            "escape": "esc",
            "enter": "enter",
            "full_stop": ".",
            "slash": "/",
            "exclamation_mark": "!",
        }
        return " ".join(names.get(k, k.replace("ctrl+", "^")) for k in self.keys.split(","))


TIMER, STEPS, NOTES, GROUPS, CLUSTERS, VOTES, VIEWS = (
    "Timer",
    "Agenda",
    "Notes",
    "Groups",
    "Clustering",
    "Votes and ratings",
    "Views and session",
)

KINDS_GROUP = "Words, questions and actions"
UNDO = "Undo"

# Keys of the words, questions and actions steps. They come before the notes keys that
# share their letters (a, enter, h, m, d): a binding whose action does not apply on this
# step passes the key on to the next binding for it.
KIND_KEYS = [
    Key(
        "a",
        "add_words",
        "Add words",
        "Type paper answers for the word cloud (enter adds one; the dialog stays open)",
        KINDS_GROUP,
        footer=("words",),
    ),
    Key(
        "h",
        "hide_word",
        "Take out",
        "Take the focused word out of the cloud (the room and phones stop seeing it), or put "
        "it back",
        KINDS_GROUP,
        footer=("words",),
    ),
    Key(
        "a",
        "paper_sort",
        "Paper sheet",
        "Type in one person's paper sort: a sheet number, then a bucket for each item in turn "
        "(esc stops; the sheet can be taken up again)",
        KINDS_GROUP,
        footer=("sort",),
    ),
    Key(
        "a",
        "paper_rank",
        "Paper sheet",
        "Type in one person's paper ranking (place by place) or scores (each item on each "
        "criterion): a sheet number first; esc stops",
        KINDS_GROUP,
        footer=("rank",),
    ),
    Key(
        "a",
        "add_questions",
        "Add questions",
        "Type questions for the room, from paper (enter adds one; the dialog stays open)",
        KINDS_GROUP,
        footer=("questions",),
    ),
    Key(
        "d",
        "paper_upvote(1)",
        "Paper upvote",
        "Add a paper upvote to the focused question (each counts as one more person)",
        KINDS_GROUP,
        footer=("questions",),
    ),
    Key(
        "D",
        "paper_upvote(-1)",
        "Remove paper upvote",
        "Take back a paper upvote from the focused question",
        KINDS_GROUP,
        show=False,
    ),
    Key(
        "m",
        "merge_question",
        "Merge",
        "Merge the focused question into another it duplicates (upvotes join, each person "
        "counted once)",
        KINDS_GROUP,
        footer=("questions",),
    ),
    Key(
        "h",
        "hide_question",
        "Take down",
        "Take the focused question down (the room and phones stop seeing it), or put it back",
        KINDS_GROUP,
        show=False,
    ),
    Key(
        "a",
        "add_action",
        "Add action",
        "Type an action: what, who, by when (enter adds it; the form stays open for the next)",
        KINDS_GROUP,
        footer=("actions",),
    ),
    Key(
        "enter",
        "edit_action",
        "Edit",
        "Edit the focused action: what, who, by when, where it came from",
        KINDS_GROUP,
        show=False,
    ),
    Key(
        "a",
        "add_requests",
        "Add requests",
        "Type requests from paper, each to a team (tab changes the team; the dialog stays open)",
        KINDS_GROUP,
        footer=("requests",),
    ),
    Key(
        "y",
        "mark_done",
        "Done",
        "Mark the focused action done, or the focused question answered (again to undo); "
        "on a requests step, answer the focused request for its team (paper)",
        KINDS_GROUP,
        labels=(("questions", "Answered"), ("requests", "Answer")),
    ),
    Key(
        "y",
        "review_status",
        "Status",
        "Mark the focused action of the review: done, in progress, changed (reworded), "
        "dropped, or open again",
        KINDS_GROUP,
        footer=("review",),
    ),
    Key(
        "a",
        "add_learning",
        "Add learning",
        "Add what was learned from the focused action of the review",
        KINDS_GROUP,
        footer=("review",),
    ),
    Key(
        "h",
        "drop_action",
        "Drop",
        "Take the focused action off the list, or put it back",
        KINDS_GROUP,
        footer=("actions",),
    ),
]

# Keys the run screen and the room view share: the facilitator keeps control of the
# clock and the agenda while the projector shows the room view.
SESSION_KEYS = [
    Key(
        "space",
        "timer('toggle')",
        "Timer",
        "Start or pause the countdown",
        TIMER,
        display="space",
        essential=True,
    ),
    Key(
        "plus,equals_sign",
        "timer('extend')",
        "+1 min",
        "Add a minute to the countdown",
        TIMER,
        display="+",
        footer=("notes", "canvas", "vote", "rating", "discussion", "break"),
    ),
    Key(
        "ctrl+r",
        "timer('reset')",
        "Reset timer",
        "Put the countdown back to the step's full time (paused)",
        TIMER,
        show=False,
    ),
    Key(
        "S",
        "signal",
        "Signal on/off",
        "Silence the time-up signal (bell, flashing timer, the room page's chime), or turn "
        "it back on",
        TIMER,
        show=False,
    ),
    Key(
        "A",
        "autostart",
        "Auto-start on/off",
        "Start each step's countdown as the step starts, or not (the plan's "
        "timer_autostart is the default)",
        TIMER,
        show=False,
    ),
    Key(
        "T",
        "retime",
        "Retime the rest",
        "Shorten or lengthen the rest of the day's items (each by the same share) and see "
        "the new finish",
        TIMER,
        show=False,
    ),
    Key(
        "n",
        "next_step",
        "Next",
        "Go to the next step (the first one starts the session; after the end, asks "
        "before reopening it)",
        STEPS,
        labels=(("ended", "Reopen"),),
        essential=True,
    ),
    Key("p", "previous_step", "Back", "Go back to the previous step", STEPS, show=False),
    Key(
        "R",
        "reveal",
        "Reveal",
        "Reveal the private notes of this step to the room (shift+r, so it is never an accident)",
        NOTES,
    ),
    Key(
        "o",
        "vote",
        "Open/close vote",
        "Open the dot vote, or close it and show the results (on a sort or a ranking: "
        "close or reopen it)",
        VOTES,
        labels=(("sort", "Close/reopen sort"), ("rank", "Close/reopen")),
    ),
    Key(
        "i",
        "lock_input",
        "Pause input",
        "Stop or allow input from phones for this step",
        NOTES,
        show=False,
    ),
    Key(
        "ctrl+z",
        "undo",
        "Undo",
        "Undo your last action: grouping, parking, merging, moving or hiding notes, a "
        "reveal, a paper dot or rating, opening or closing a vote, ending the session... "
        "Again goes further back. Phones follow. Removing text or a person can't be undone",
        UNDO,
        show=False,
    ),
    Key("ctrl+y", "redo", "Redo", "Redo what ctrl+z undid", UNDO, show=False),
]

RUN_KEYS = [
    *SESSION_KEYS,
    Key(
        "tab",
        "focus_agenda",
        "Go to an item",
        "Put the cursor in the agenda, or back on the board: ↑ ↓ choose an item and enter "
        "goes there (a click on an item too). It asks first; the item you leave is marked "
        "left, not done, if some of its steps were not run",
        STEPS,
        show=False,
    ),
    *KIND_KEYS,
    Key(
        "j",
        "join_code",
        "Join code",
        "Show the join QR code for phones (in the room view, with the address under it)",
        VIEWS,
        show=False,
    ),
    Key(
        "P",
        "people",
        "People",
        "Who has joined; remove someone (their phone stops working and cannot join again) "
        "or let a removed person back in",
        VIEWS,
        show=False,
    ),
    Key(
        "J",
        "joining",
        "Open/close joining",
        "Open or close joining for newcomers (ending the session closes it; phones already "
        "in stay in)",
        VIEWS,
        show=False,
    ),
    Key(
        "C",
        "new_join_code",
        "New join code",
        "Make a new join QR code: the old code stops letting people join; phones already "
        "in stay in",
        VIEWS,
        show=False,
    ),
    Key(
        "a",
        "add_notes",
        "Add notes",
        "Type paper notes for the room (enter adds one and stays open; esc closes)",
        NOTES,
        footer=("notes", "canvas"),
    ),
    Key(
        "k",
        "pick_for_group",
        "Pick",
        "Make the focused note its group's pick, the one it takes forward (k again takes it back)",
        GROUPS,
    ),
    Key(
        "G",
        "reform_groups",
        "Re-form groups",
        "Mix this step's groups again (notes stay with the groups that wrote them)",
        GROUPS,
        show=False,
    ),
    Key(
        "w",
        "place_person",
        "Place someone",
        "Put someone in another group of this step (a late arrival, two to split up)",
        GROUPS,
        show=False,
    ),
    Key(
        "enter",
        "edit",
        "Edit",
        "Edit the focused note, or rename the focused cluster",
        NOTES,
        show=False,
    ),
    Key(
        "h",
        "hide",
        "Hide",
        "Hide or show the focused note (or the selected notes)",
        NOTES,
        footer=("notes", "canvas"),
    ),
    Key(
        "X",
        "redact",
        "Remove text",
        "Remove the focused note's text for good (or a word's, question's, request's or "
        "action's), for a reason: safeguarding, personal data or other. It is replaced by "
        "[removed by the facilitator] everywhere, exports included; the item and its "
        "votes stay",
        NOTES,
        show=False,
    ),
    Key(
        "c",
        "set_kind",
        "Kind",
        "Set the kind of the focused note, or where it goes on the canvas",
        NOTES,
        labels=(("canvas", "Place"),),
    ),
    Key(
        "left_square_bracket",
        "shift_group(-1)",
        "Move",
        "Move the focused note to the previous cluster, kind or canvas region",
        CLUSTERS,
        display="[ ]",
        footer=("cluster", "canvas"),
    ),
    Key(
        "right_square_bracket",
        "shift_group(1)",
        "Move ▸",
        "Move the focused note to the next cluster, kind or canvas region",
        CLUSTERS,
        display="]",
        show=False,
    ),
    Key(
        "x",
        "select",
        "Select",
        "Select or unselect the focused note, and move the cursor to the next one (a click "
        "on a note selects it without moving)",
        CLUSTERS,
    ),
    Key("escape", "clear_selection", "Clear selection", "Unselect all notes", CLUSTERS, show=False),
    Key(
        "g",
        "group",
        "Group",
        "Group the selected notes (or the focused one) into a new cluster and name it",
        CLUSTERS,
    ),
    Key("r", "rename", "Rename", "Rename the focused cluster", CLUSTERS),
    Key("m", "merge", "Merge", "Merge the focused cluster into another one", CLUSTERS),
    Key(
        "t",
        "move_to",
        "Move to…",
        "Move the selected notes (or the focused one) to a cluster you pick",
        CLUSTERS,
        show=False,
    ),
    Key(
        "l",
        "park",
        "Park",
        "Move the selected notes (or the focused one) to the parking lot",
        CLUSTERS,
    ),
    Key(
        "d",
        "paper(1)",
        "Paper dot",
        "Add a paper dot to the focused item (vote), or a paper rating at the focused "
        "point of the scale",
        VOTES,
        labels=(("rating", "Paper rating"),),
    ),
    Key(
        "D",
        "paper(-1)",
        "Remove paper dot",
        "Take back a paper dot from the focused item (vote), or a paper rating at the "
        "focused point of the scale",
        VOTES,
        labels=(("rating", "Remove paper rating"),),
        show=False,
    ),
    Key(
        "s",
        "summary",
        "Summary",
        "Write the summary of this step (what the room said)",
        NOTES,
        footer=("discussion",),
    ),
    Key(
        "v,f2",
        "room_view",
        "Room",
        "The room view: what the projector shows (F2 also)",
        VIEWS,
        essential=True,
    ),
    Key(
        "b",
        "room_page",
        "Room page",
        "Where the room page is: a web page for a projector or second screen (big type, "
        "the timer, the board as the room may see it), with a QR code to open it",
        VIEWS,
        show=False,
    ),
    Key(
        "f",
        "toggle_panel",
        "Agenda",
        "Show or hide the agenda and facilitator notes",
        VIEWS,
        show=False,
    ),
    Key(
        "e",
        "export",
        "Export",
        "Export the session record (Markdown, HTML, Word, CSV...)",
        VIEWS,
        show=False,
    ),
    Key(
        "exclamation_mark",
        "safeguarding",
        "Safeguarding",
        "If someone may be at risk: what to do now and the same day, the safeguarding lead "
        "(name or change them: phones show who to talk to) and the duties that apply",
        VIEWS,
    ),
    Key("question_mark", "help", "Help", "List every key", VIEWS),
    Key("q", "quit_app", "Quit", "Quit sessionkit", VIEWS, show=False),
]

ROOM_KEYS = [
    *SESSION_KEYS,
    Key("v,f2,escape", "back", "Back", "Back to the facilitator's screen", VIEWS),
    Key("j", "toggle_join", "Join code", "Show or hide the join codes (Wi-Fi first)", VIEWS),
    Key(
        "b",
        "room_page",
        "Room page",
        "Where the room page is, for a projector or second screen",
        VIEWS,
        show=False,
    ),
    Key("question_mark", "help", "Help", "List every key", VIEWS),
]

HOME_KEYS = [
    Key("enter", "start", "Start", "Start the selected plan or method, or resume the run", STEPS),
    Key("slash", "filter", "Search", "Search plans and methods", STEPS),
    Key(
        "S",
        "series",
        "Series",
        "Choose the series the runs you start belong to (their open actions are reviewed)",
        STEPS,
    ),
    Key("question_mark", "help", "Help", "List every key", VIEWS),
    Key("q", "quit_app", "Quit", "Quit sessionkit", VIEWS),
]


def split_action(action: str) -> tuple[str, tuple[object, ...]]:
    """``"paper(-1)"`` -> ``("paper", (-1,))``, as Textual parses a binding's action."""
    name, _, rest = action.partition("(")
    if not rest:
        return name, ()
    value = ast.literal_eval(rest[:-1] + ",") if rest[:-1] else ()
    return name, tuple(value)


def bindings(keys: list[Key]) -> list[BindingType]:
    return [key.binding() for key in keys]

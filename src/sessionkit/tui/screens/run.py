"""The facilitator's screen while a session runs.

Over 400 lines: the run screen's key actions share its selection, focus and dialogs;
to be split into board actions and step actions beside a smaller screen.

Left: the agenda (planned against actual) and the facilitator's notes for this step.
Right: where we are and the prompt, the countdown, one line about the board, the board of
the step in focus (notes, clusters, vote tally or ratings) and the focused note in full.

Everything the facilitator does is a key (listed in ``keys.RUN_KEYS``) that becomes one
engine command through ``host.link``; the board is redrawn from the engine's state after
every change, never edited directly. The keys for people (who joined, joining open or
closed, the join code) are :class:`~sessionkit.tui.screens.people.PeopleKeys`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from sessionkit.core import commands as c
from sessionkit.core.method import CanvasInput, ClusterInput, NotesInput
from sessionkit.core.state import Note
from sessionkit.core.text import first_words
from sessionkit.tui import messages
from sessionkit.tui.board_live import LiveBoard
from sessionkit.tui.board_model import BoardModel, Row
from sessionkit.tui.keys import RUN_KEYS, bindings
from sessionkit.tui.screens.agenda_keys import AgendaKeys
from sessionkit.tui.screens.base import SessionHost
from sessionkit.tui.screens.group_actions import GroupActions
from sessionkit.tui.screens.kinds import KindActions
from sessionkit.tui.screens.modals import (
    Confirm,
    NoteEditor,
    NoteEntry,
    Picker,
    TextBox,
    TextPrompt,
)
from sessionkit.tui.screens.people import PeopleKeys
from sessionkit.tui.screens.redact import RedactKeys
from sessionkit.tui.screens.review_keys import ReviewActions
from sessionkit.tui.screens.safeguarding import SafeguardingKeys
from sessionkit.tui.screens.timer_keys import TimerKeys
from sessionkit.tui.widgets.agenda_view import AgendaView
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.keybar import KeyBar
from sessionkit.tui.widgets.panels import (
    BoardInfo,
    Countdown,
    Detail,
    FacilitatorNotes,
    StepInfo,
    TitleBar,
)

EMPTY = {
    "notes": "No notes yet. Phones add them live; a types paper notes.",
    "canvas": "Nothing on the canvas yet. Phones add notes; a types paper notes.",
    "cluster": "No notes to group: the steps this one clusters have no notes.",
    "vote": "Nothing to vote on: the step it votes on has no notes or clusters.",
    "sort": "Nothing to sort: the step it sorts has no notes or clusters.",
    "discussion": "No summary yet. Press s to write what the room said.",
    "words": "No answers yet. Phones send a word or two; a types paper answers.",
    "questions": "No questions yet. Phones ask and upvote them; a types questions from paper.",
    "actions": "No actions yet. Phones may propose them; a adds one (what, who, by when).",
    "waiting": "",
    "break": "",
    "ended": "",
}


PREPARE_AFTER = 0.5
"""Seconds after a step begins to lay out the next step's board (once this one is drawn)."""


class RunScreen(
    AgendaKeys,
    RedactKeys,
    KindActions,
    ReviewActions,
    PeopleKeys,
    GroupActions,
    SafeguardingKeys,
    TimerKeys,
):
    KEYS = RUN_KEYS
    BINDINGS = bindings(RUN_KEYS)
    HELP_TITLE = "Keys: running a session"

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host)
        self.selected: set[str] = set()
        self.model = BoardModel("waiting")
        self.live = LiveBoard(settle=self._settle)
        """The board, kept up to date from the engine's events (not rebuilt in full)."""
        self._kind = "waiting"
        self._step_key: str | None = None
        self._side: bool | None = None
        """The agenda panel: None = by terminal width, else shown/hidden by the user."""
        self._last_minute = -1

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar")
        with Horizontal(id="main"):
            with Vertical(id="side"):
                with VerticalScroll(id="agenda-scroll"):
                    yield AgendaView(id="agenda")
                yield FacilitatorNotes(id="fnotes").with_border_title("For you only")
            with Vertical(id="centre"):
                with Horizontal(id="stephead"):
                    yield StepInfo(id="stepinfo")
                    yield Countdown(id="countdown")
                yield BoardInfo(id="boardinfo")
                yield Board(id="board")
                yield Detail(id="detail")
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self.ready = True
        self.query_one(Board).focus()
        self.refresh_session()
        self.tick(self.now)

    def on_unmount(self) -> None:
        self.live.close()  # stop hearing the engine (SessionScreen.on_unmount runs too)

    def _settle(self) -> None:
        if self.host.link is not None:
            self.host.link.settle()  # a board's rows, made to last (see SessionLink.settle)

    def _prepare_next(self) -> None:
        if self.ready and self.host.link is not None:
            self.live.prepare(self.engine)  # so that n opens it without a pass over all notes

    # ------------------------------------------------------------ redraw

    def refresh_session(self) -> None:
        engine = self.engine
        state = engine.state
        key = state.step_key if state.started else None
        board = self.query_one(Board)
        if key != self._step_key:  # a new step: nothing selected, cursor at the top
            self._step_key = key
            self.selected.clear()
            board.cursor = None
            board.scroll_to(y=0, animate=False, immediate=True)
            self.set_timer(PREPARE_AFTER, self._prepare_next, name="prepare-next-board")
        self.model = self.live.model(engine)
        self._kind = self.model.kind
        if self.selected:  # drop notes that left the board (hidden elsewhere, merged...)
            on_board = {r.key for r in self.model.rows if r.kind == "note"}
            self.selected &= on_board
        board.show(self.model, frozenset(self.selected), empty=EMPTY.get(self._kind, ""))
        self.query_one(StepInfo).show(engine)
        self.query_one(FacilitatorNotes).show(engine)
        self._show_info()
        self._show_detail(board.current_row)
        self.query_one(AgendaView).show(engine, self.now)
        self.query_one(Countdown).show(engine, self.now)
        self._show_title(self.now)
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        ended = self.engine.state.ended_at is not None
        self.query_one(KeyBar).show(
            self.KEYS, self.applies, self._kind, notice="Session ended" if ended else ""
        )

    def _show_info(self) -> None:
        self.query_one(BoardInfo).show(
            self.engine,
            self._kind,
            private=self.model.private,
            selected=len(self.selected),
            notes=self.model.note_count,
        )

    def _show_detail(self, row: Row | None) -> None:
        detail = self.query_one(Detail)
        if row is None:
            detail.set("")
        elif self.removed_detail(row):
            pass
        elif row.kind == "note":
            detail.show_note(row.ref, self.engine)
        elif row.kind == "target":
            (label, extra), dots = row.ref
            detail.show_text(
                label,
                f"{extra + ' · ' if extra else ''}"
                f"{dots} dot{'s' * (dots != 1)} · d adds a paper dot",
            )
        elif row.kind == "scale":
            value, label, count = row.ref
            detail.show_text(
                f"{value} {label}".strip(),
                f"{count} rating{'s' * (count != 1)} · d adds a paper rating",
            )
        elif row.kind == "section" and row.key:
            group, count = row.ref
            detail.show_text(group.label, f"{count} note{'s' * (count != 1)} · r renames, m merges")
        elif not self.kind_detail(row) and not self.review_detail(row):
            detail.set("")

    def tick(self, now: float) -> None:
        engine = self.engine
        self.query_one(Countdown).show(engine, now)
        minute = int(now // 20)
        if minute != self._last_minute:  # the agenda's minutes change slowly
            self._last_minute = minute
            self.query_one(AgendaView).show(engine, now)
        self._show_title(now)

    def _show_title(self, now: float) -> None:
        problem = self.host.join_problem
        self.query_one(TitleBar).show(
            self.engine, now, cannot_join=problem.short if problem else None
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self.query_one(AgendaView).show, self.engine, self.now)

    @on(Board.CursorMoved)
    def cursor_moved(self, event: Board.CursorMoved) -> None:
        self._show_detail(event.row)

    @on(Board.Activated)
    def activated(self, event: Board.Activated) -> None:
        self.action_edit()

    @on(Board.Clicked)
    def clicked(self, event: Board.Clicked) -> None:
        if self._kind == "cluster" and event.row.kind == "note" and event.row.key is not None:
            self._toggle(event.row.key)

    # ------------------------------------------------------------ what applies now

    DIALOG_ACTIONS = frozenset(
        {
            "add_notes",
            "edit",
            "set_kind",
            "group",
            "rename",
            "merge",
            "move_to",
            "summary",
            "people",
            "new_join_code",
            "reform_groups",
            "place_person",
            "safeguarding",
        }
    )

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.host.link is None:
            return True
        kind = self._kind
        if action in ("select", "group", "rename", "merge", "move_to", "park"):
            return kind == "cluster"
        if action == "clear_selection":
            return bool(self.selected)
        if action == "add_notes":
            return kind in ("notes", "canvas", "cluster")
        if action in ("reform_groups", "place_person"):
            return self.grouped() is not None
        if action == "pick_for_group":
            spec = self.grouped()
            return spec is not None and spec.pick
        if action in ("edit", "hide"):
            return kind in ("notes", "canvas", "cluster")
        if action == "set_kind":
            return kind == "canvas" or (kind == "notes" and bool(self._categories()))
        if action == "shift_group":  # on a grouped step the sections are people's groups
            return kind in ("canvas", "cluster") or (
                kind == "notes" and bool(self._categories()) and not self.model.grouped
            )
        if action == "paper":
            return kind in ("vote", "rating")
        if action == "summary":  # a discussion with summary = false asks for none
            step = self.engine.step_def()[1] if self.engine.state.started else None
            return kind != "waiting" and getattr(step.input if step else None, "summary", True)
        if action == "export":
            return self.host.can_export or None
        return super().applies(action, parameters)

    def _categories(self) -> list[tuple[str, str]]:
        _, step = self.engine.step_def() if self.engine.state.started else (None, None)
        if step is not None and isinstance(step.input, NotesInput):
            return [(cat.id, cat.label) for cat in step.input.categories]
        return []

    def _regions(self) -> list[tuple[str, str]]:
        _, step = self.engine.step_def() if self.engine.state.started else (None, None)
        if step is not None and isinstance(step.input, CanvasInput):
            return [(r.id, r.label) for r in step.input.note_regions()]
        return []

    # ------------------------------------------------------------ focus helpers

    @property
    def board(self) -> Board:
        return self.query_one(Board)

    def _focused_note(self, *, quiet: bool = False) -> Note | None:
        row = self.board.current_row
        if row is not None and row.kind == "note":
            return cast(Note, row.ref)  # a note row's ref is its Note (board_model)
        if not quiet:
            self.notify("Move the cursor to a note first (↑ ↓).", markup=False)
        return None

    def _chosen_notes(self) -> list[str]:
        """The selected notes in board order, else the focused note."""
        if self.selected:
            return [r.key for r in self.model.rows if r.kind == "note" and r.key in self.selected]
        note = self._focused_note()
        return [note.id] if note else []

    def _focused_cluster(self) -> str | None:
        row = self.board.current_row
        if row is None:
            return None
        if row.kind == "section":
            return row.key
        if row.kind == "note":
            cluster = row.ref.cluster
            return cluster if cluster in self.engine.state.clusters else None
        return None

    # ------------------------------------------------------------ notes

    def action_add_notes(self) -> None:
        if not self.applies("add_notes", ()):
            self.not_here(
                "This step does not collect notes. Paper notes are typed on a "
                "notes or canvas step (or a clustering step, for late ones)."
            )
            return
        engine = self.engine
        key = engine.state.step_key
        _, step = engine.step_def()
        if step is None:
            return
        target = key
        if isinstance(step.input, ClusterInput):  # a late paper note for the pile
            target = engine.cluster_sources(key)[0]
            _, step = engine.step_def(target)
            assert step is not None
        spec = step.input
        choices: list[tuple[str, str]] = []
        name = "kind"
        if isinstance(spec, NotesInput):
            choices = [(cat.id, cat.label) for cat in spec.categories]
        elif isinstance(spec, CanvasInput):
            choices, name = [(r.id, r.label) for r in spec.note_regions()], "place"

        title = step.title

        def entry(group: str | None, who: str | None) -> None:
            def submit(text: str, choice: str | None) -> bool:
                fields: dict[str, str] = {"text": text}
                if target != key:
                    fields["step"] = target
                if group is not None:
                    fields["group"] = group
                if choice is not None:
                    fields["region" if name == "place" else "category"] = choice
                return self.link.do(c.AddNote, **fields) is not None

            heading = f"Paper notes for {who}: {title}" if who else f"Paper notes for: {title}"
            self.app.push_screen(NoteEntry(heading, submit, choices, name))

        if target == key and self.grouped() is not None:
            self.ask_paper_group(entry)
        else:
            entry(None, None)

    def action_edit(self) -> None:
        if not self.applies("edit", ()):
            self.not_here("There are no notes to edit on this step.")
            return
        row = self.board.current_row
        if row is not None and row.kind == "section" and row.key:
            self.action_rename()
            return
        note = self._focused_note(quiet=True)
        if note is None:
            self.not_here("Move the cursor to a note first (↑ ↓), or to a cluster's name.")
            return

        def done(text: str | None) -> None:
            if text and text != note.text:
                self.link.do(c.EditNote, note=note.id, text=text)

        self.app.push_screen(
            NoteEditor(f"Edit the note “{first_words(note.text)}”", note.text, max_length=500),
            done,
        )

    def action_hide(self) -> None:
        ids = self._chosen_notes()
        if not ids:
            return
        notes = self.engine.state.notes
        hide = not all(notes[i].hidden for i in ids)
        done = self.link.do_many([c.HideNote(note=i, hidden=hide) for i in ids])
        if done and len(ids) > 1:
            self.notify(
                f"{done} note{'s' * (done != 1)} {'hidden' if hide else 'shown again'}.",
                markup=False,
            )

    def action_set_kind(self) -> None:
        if not self.applies("set_kind", ()):
            self.not_here("Notes on this step have no kinds or places to choose from.")
            return
        note = self._focused_note(quiet=True)
        if note is None:
            self.not_here("Move the cursor to a note first (↑ ↓).")
            return
        if self._kind == "canvas":

            def placed(region: str | None) -> None:
                if region:
                    self.link.do(c.PlaceNote, note=note.id, region=region)

            self.app.push_screen(
                Picker(
                    f"Where does “{first_words(note.text)}” go?",
                    self._regions(),
                    current=note.region,
                ),
                placed,
            )
            return

        def chosen(category: str | None) -> None:
            if category and category != note.category:
                self.link.do(c.EditNote, note=note.id, category=category)

        self.app.push_screen(
            Picker(
                f"What kind of note is “{first_words(note.text)}”?",
                self._categories(),
                current=note.category,
            ),
            chosen,
        )

    def action_shift_group(self, direction: int) -> None:
        note = self._focused_note()
        if note is None:
            return
        if self._kind == "cluster":
            groups = [g.key for g in self.model.groups]
            here = note.cluster if note.cluster in groups else None
        else:  # a note always has a kind / a place: "none" is not a place to move to
            groups = [g.key for g in self.model.groups if g.key is not None]
            here = note.region if self._kind == "canvas" else note.category
        index = groups.index(here) if here in groups else -1
        target = index + direction
        if index < 0:
            target = 0 if direction > 0 else len(groups) - 1
        if not 0 <= target < len(groups):
            self.app.bell()
            return
        destination = groups[target]
        if self._kind == "cluster":
            self.link.do(c.MoveNote, note=note.id, cluster=destination)
        elif self._kind == "canvas":
            self.link.do(c.PlaceNote, note=note.id, region=destination)
        else:
            self.link.do(c.EditNote, note=note.id, category=destination)

    def action_summary(self) -> None:
        if not self.applies("summary", ()):
            self.not_here("Start the session first: the summary belongs to a step.")
            return
        state = self.engine.state
        current = state.step_state(state.step_key).summary

        def save(text: str | None) -> None:
            if text is not None and text != current:
                self.link.do(c.SetSummary, text=text)

        self.app.push_screen(TextBox("Summary of this step", current), save)

    # ------------------------------------------------------------ clustering

    def _toggle(self, note_id: str) -> None:
        if note_id in self.selected:
            self.selected.discard(note_id)
        else:
            self.selected.add(note_id)
        self.board.set_selected(frozenset(self.selected))
        self._show_info()
        self._refresh_footer()

    def action_select(self) -> None:
        note = self._focused_note()
        if note is None:
            return
        self._toggle(note.id)
        self.board.action_cursor(1)  # mark and move on, like a file manager

    def action_clear_selection(self) -> None:
        self.selected.clear()
        self.board.set_selected(frozenset())
        self._show_info()
        self._refresh_footer()

    def action_group(self) -> None:
        if not self.applies("group", ()):
            self.not_here("Grouping happens on a clustering step.")
            return
        ids = self._chosen_notes() if (self.selected or self._focused_note(quiet=True)) else []

        def named(label: str | None) -> None:
            if not label:
                return
            event = self.link.do(c.CreateCluster, label=label, notes=ids)
            if event is not None:
                self.selected.clear()
                self.refresh_session()
                if not ids:
                    self.board.move_to_key("section", event.data["cluster"])

        what = f"{len(ids)} note{'s' * (len(ids) != 1)}" if ids else "an empty cluster"
        self.app.push_screen(
            TextPrompt(
                f"Name the new cluster ({what})",
                placeholder="e.g. People don't know who to call",
                max_length=80,
            ),
            named,
        )

    def _with_cluster(
        self, title: str, then: Callable[[str], None], exclude: str | None = None
    ) -> None:
        """Run ``then(cluster_id)`` on the focused cluster, or on one picked from a list
        when the cursor is not on a cluster (so the key never does nothing)."""
        cluster_id = self._focused_cluster()
        if cluster_id is not None:
            then(cluster_id)
            return
        choices = self._cluster_choices(exclude=exclude)
        if not choices:
            self.not_here(
                "There are no clusters yet: select notes with x, then g groups them.",
                title="No clusters yet",
            )
            return
        self.app.push_screen(
            Picker(title, choices), lambda picked: then(picked) if picked else None
        )

    def action_rename(self) -> None:
        if not self.applies("rename", ()):
            self.not_here("Clusters are renamed on a clustering step.")
            return

        def rename(cluster_id: str) -> None:
            cluster = self.engine.state.clusters[cluster_id]

            def named(label: str | None) -> None:
                if label and label != cluster.label:
                    self.link.do(c.RenameCluster, cluster=cluster_id, label=label)

            self.app.push_screen(
                TextPrompt(
                    f"Rename the cluster “{first_words(cluster.label)}”",
                    cluster.label,
                    max_length=80,
                ),
                named,
            )

        self._with_cluster("Rename which cluster?", rename)

    def _cluster_choices(self, exclude: str | None = None) -> list[tuple[str, str]]:
        key = self.engine.state.step_key
        return [
            (
                cl.id,
                ("Parking lot: " if cl.parking and cl.label != "Parking lot" else "") + cl.label,
            )
            for cl in self.engine.state.clusters.values()
            if cl.step == key and cl.id != exclude
        ]

    def action_merge(self) -> None:
        if not self.applies("merge", ()):
            self.not_here("Clusters are merged on a clustering step.")
            return

        def merge(source: str) -> None:
            choices = self._cluster_choices(exclude=source)
            label = self.engine.state.clusters[source].label
            if not choices:
                self.not_here(
                    f"“{first_words(label)}” is the only cluster on this step, so there is "
                    "no other to merge it with. To make another: select notes with x, then "
                    "g groups them.",
                    title="Nothing to merge with",
                )
                return

            def chosen(target: str | None) -> None:
                if target and self.link.do(c.MergeClusters, source=source, target=target):
                    self.board.move_to_key("section", target)

            self.app.push_screen(Picker(f"Merge “{label}” into…", choices), chosen)

        self._with_cluster("Merge which cluster (into another)?", merge)

    def action_move_to(self) -> None:
        if not self.applies("move_to", ()):
            self.not_here("Notes are moved between clusters on a clustering step.")
            return
        if not self.selected and self._focused_note(quiet=True) is None:
            self.not_here("Select notes with x (or move the cursor to one) first.")
            return
        ids = self._chosen_notes()
        choices = [*self._cluster_choices(), ("-", "(not in a cluster)"), ("+", "New cluster…")]

        def chosen(target: str | None) -> None:
            if target is None:
                return
            if target == "+":
                self.action_group()
                return
            cluster = None if target == "-" else target
            notes = self.engine.state.notes
            moves = [
                c.MoveNote(note=i, cluster=cluster) for i in ids if notes[i].cluster != cluster
            ]
            if moves and self.link.do_many(moves):
                self.action_clear_selection()

        self.app.push_screen(
            Picker(f"Move {len(ids)} note{'s' * (len(ids) != 1)} to…", choices), chosen
        )

    def action_park(self) -> None:
        ids = self._chosen_notes()
        if not ids:
            return
        state = self.engine.state
        key = state.step_key
        parking = next(
            (cl.id for cl in state.clusters.values() if cl.step == key and cl.parking), None
        )
        if parking is None:
            done = (
                self.link.do(c.CreateCluster, label="Parking lot", notes=ids, parking=True)
                is not None
            )
        else:
            moves = [
                c.MoveNote(note=i, cluster=parking)
                for i in ids
                if state.notes[i].cluster != parking
            ]
            done = bool(moves) and self.link.do_many(moves) > 0
        if done:
            self.action_clear_selection()

    # ------------------------------------------------------------ votes and ratings

    def action_paper(self, delta: int) -> None:
        row = self.board.current_row
        if self._kind == "rating":
            if row is None or row.kind != "scale" or row.key is None:
                self.notify("Move the cursor to a point of the scale first.", markup=False)
                return
            if delta > 0:
                self.link.do(c.Rate, value=int(row.key))
            else:
                self.link.do(c.WithdrawPaperRating, value=int(row.key))
            return
        if row is None or row.kind != "target":
            self.notify("Move the cursor to an item first.", markup=False)
            return
        if delta > 0:
            self.link.do(c.CastVote, target=row.key)
        else:
            self.link.do(c.WithdrawVote, target=row.key)

    # ------------------------------------------------------------ views

    def action_room_view(self) -> None:
        self.app.push_screen("room")

    def action_toggle_panel(self) -> None:
        shown = self.query_one("#side").display
        self._side = not shown
        self.set_class(self._side, "-show-side")
        self.set_class(not self._side, "-hide-side")

    def action_export(self) -> None:
        self.post_message(messages.ExportRecord())

    def action_quit_app(self) -> None:
        engine = self.engine
        if engine.journal is None:
            detail = "This run is not being saved: its notes will be lost."
        elif engine.state.seq == 0:  # the record is let go on quitting (Live.close)
            detail = "Nothing has happened in this run yet, so it is not kept."
        else:
            detail = "The run is saved: resume it from the home screen."

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(Confirm("Quit sessionkit?", detail), answer)

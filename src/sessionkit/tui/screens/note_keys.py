"""The run screen's keys for notes: typing paper notes, editing, hiding, choosing a
note's kind or place, moving it to the next section, and the step's summary.

A mixin of :class:`~sessionkit.tui.screens.run.RunScreen`, beside
:class:`~sessionkit.tui.screens.cluster_keys.ClusterKeys` (whose focus helpers it uses)
and :class:`~sessionkit.tui.screens.group_actions.GroupActions` (paper notes on a
grouped step ask for the group first).
"""

from __future__ import annotations

from sessionkit.core import commands as c
from sessionkit.core.method import CanvasInput, ClusterInput, NotesInput
from sessionkit.core.text import first_words
from sessionkit.tui.screens.cluster_keys import ClusterKeys
from sessionkit.tui.screens.group_actions import GroupActions
from sessionkit.tui.screens.modals import NoteEditor, NoteEntry, Picker, TextBox


class NoteKeys(ClusterKeys, GroupActions):
    _kind: str
    """What the step in focus collects (the run screen's)."""

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

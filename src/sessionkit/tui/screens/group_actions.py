"""The facilitator's keys for a grouped step (pairs, fours, groups of N).

``G`` mixes the groups again (the notes stay with the groups that wrote them), ``w``
places someone in a group (a late arrival, two friends to split), ``k`` makes the focused
note its group's pick, and ``a`` on a grouped step first asks which group a paper note is
for. The run screen inherits these; the groups themselves are the engine's
(:mod:`sessionkit.core.groups`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sessionkit.core import commands as c
from sessionkit.core import groups as rounds
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.state import Group
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Confirm, Picker
from sessionkit.tui.timing import clock_of
from sessionkit.tui.widgets.board import Board

WHOLE_ROOM = "\x00room"
"""The paper-note group choice for a note that belongs to no group."""


class GroupActions(SessionScreen):
    def grouped(self) -> GroupsSpec | None:
        """The current step's groups table, ``None`` where the step is not grouped."""
        engine = self.engine
        if not engine.state.started or engine.state.ended_at is not None:
            return None
        return rounds.spec_at(engine.items, engine.state.step_key)

    def _current_groups(self) -> list[Group]:
        state = self.engine.state
        return rounds.current(state, state.step_key)

    def _group_choice(self, group: Group) -> tuple[str, str]:
        state = self.engine.state
        people = rounds.present(state, group)
        names = ", ".join(state.participants[m].name or "no name" for m in people)
        return group.id, f"Group {group.label} · {names or 'nobody yet'}"

    def action_reform_groups(self) -> None:
        if self.grouped() is None:
            self.not_here("This step is not done in groups, so there is nothing to re-form.")
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            event = self.link.do(c.ReformGroups)
            if event is not None:
                count = len(event.data.get("groups", []))
                notice = event.data.get("notice")
                self.notify(
                    f"Groups re-formed: {count} group{'s' * (count != 1)}."
                    + (f" {notice}" if notice else ""),
                    markup=False,
                )

        self.app.push_screen(
            Confirm(
                "Mix the groups again?",
                "Everyone gets a new group and phones show it at once. Notes already "
                "written stay with the groups that wrote them; nothing is lost.",
            ),
            answer,
        )

    def action_place_person(self) -> None:
        if self.grouped() is None:
            self.not_here("This step is not done in groups.")
            return
        state = self.engine.state
        key = state.step_key
        people = state.active_participants()
        if not people:
            self.not_here("Nobody has joined from a phone yet.")
            return
        choices = []
        names = Counter(person.name or "" for person in people)
        for person in people:
            group = rounds.group_of(state, key, person.id)
            where = f"group {group.label}" if group else "in no group"
            name = person.name or "someone without a name"
            if names[person.name or ""] > 1:  # told apart by when they joined, not an id
                name += f" (joined {clock_of(person.joined_at)})"
            choices.append((person.id, f"{name} · {where}"))

        def person_chosen(participant: str | None) -> None:
            if participant is None:
                return

            def group_chosen(group: str | None) -> None:
                if group is not None:
                    self.link.do(c.MoveToGroup, participant=participant, group=group)

            self.app.push_screen(
                Picker(
                    "Put them in which group?",
                    [self._group_choice(g) for g in self._current_groups()],
                ),
                group_chosen,
            )

        self.app.push_screen(Picker("Place someone in a group", choices), person_chosen)

    def action_pick_for_group(self) -> None:
        spec = self.grouped()
        if spec is None or not spec.pick:
            self.notify("Groups do not pick a note on this step.", markup=False)
            return
        row = self.query_one(Board).current_row
        if row is None or row.kind != "note" or row.ref.group is None:
            self.notify("Move the cursor to a group's note first (↑ ↓).", markup=False)
            return
        note = row.ref
        group = self.engine.state.groups[note.group]
        if group.picked == note.id:  # a second k takes the pick back
            self.link.do(c.PickNote, note=None, group=group.id)
        else:
            self.link.do(c.PickNote, note=note.id)

    def ask_paper_group(self, then: Callable[[str | None, str], None]) -> None:
        """On a grouped step, ask which group paper notes are for, then ``then(group id or
        None for the whole room, a title for the dialog)``."""
        choices = [self._group_choice(g) for g in self._current_groups()]
        choices.append((WHOLE_ROOM, "For the whole room (no group)"))
        labels = {g.id: g.label for g in self._current_groups()}

        def chosen(group: str | None) -> None:
            if group is None:
                return
            if group == WHOLE_ROOM:
                then(None, "the whole room")
            else:
                then(group, f"group {labels[group]}")

        self.app.push_screen(Picker("Paper notes for which group?", choices), chosen)

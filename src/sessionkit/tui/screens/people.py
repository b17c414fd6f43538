"""The run screen's keys for people: the join code (``j``), who has joined (``P``),
joining open or closed (``J``) and a new join code (``C``).

- ``P`` lists everyone who joined, removed people too: enter removes someone (their phone
  stops working, and their browser cannot join again) or lets a removed person back in
  (their browser may join again, as someone new). When the plan asks people joining for
  a role (``join_roles``) or a table (``tables``), enter first offers to set those: for
  someone who skipped it, or who told the facilitator instead (paper parity).
- ``J`` closes joining, or opens it again; ending the session closes it by itself. Phones
  already in are not affected either way.
- ``C`` replaces the join token: the old QR code and link stop letting people join, the
  phones that joined with them stay in, and the new code is shown at once.

The run screen inherits these (:class:`PeopleKeys`); they go through ``host.link`` like
every other key, except the new code, which the app makes (it owns the phone server).
"""

from __future__ import annotations

from functools import partial

from sessionkit.core import commands as c
from sessionkit.core.plan import PREFER_NOT_TO_SAY
from sessionkit.core.state import Participant, SessionState
from sessionkit.core.undo import NOT_UNDOABLE
from sessionkit.tui import messages
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Confirm, Notice, Picker, TextPrompt
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.timing import clock_of

PAPER = "paper"
"""The people picker's choice for how many take part on paper (never a participant
id: those are p1, p2 ...)."""


def joining_status(state: SessionState) -> str:
    """Whether someone new can join now, as a sentence for the facilitator."""
    if state.joining_open:
        return "Joining is open (J closes it)."
    if state.ended_at is not None and state.join_open is None:
        return "Joining closed when the session ended (J reopens it)."
    return "Joining is closed (J opens it)."


def _name(person: Participant) -> str:
    return person.name or "anonymous"


def _asked(person: Participant) -> str:
    """`` · Housing · table 3``: what they said joining (nothing where they said nothing)."""
    out = f" · {person.role}" if person.role else ""
    return out + (f" · table {person.table}" if person.table else "")


class PeopleKeys(SessionScreen):
    """The actions behind ``j``, ``P``, ``J`` and ``C`` (see the module docstring)."""

    def action_join_code(self) -> None:
        """The QR code is drawn only in the room view: full size, never under a dialog's
        tint (which would stop it scanning)."""
        problem = self.host.join_problem
        if problem is not None:
            begun = self.engine.state.seq > 0  # a run with a record is resumed, not redone
            title = f"Phones cannot join: {problem.short}"
            port = problem.retry_port
            if port is None:
                self.app.push_screen(Notice(title, f"{problem.reason}\n\n{problem.fix(begun)}"))
                return
            self.app.push_screen(
                Confirm(
                    f"{title}. Try port {port} now?",
                    f"{problem.reason}\n\ny starts the participant server on port {port}; "
                    f"the join code then points there.\nOr: {problem.fix(begun)}",
                ),
                partial(self._try_port, port),
            )
            return
        if not self.host.join_url:
            self.not_here("Phones cannot join yet: the participant server is still starting.")
            return
        room = self.app.get_screen("room")  # installed by the app, made once
        if isinstance(room, RoomScreen):
            room.show_join = True
        self.app.push_screen(room)

    def _try_port(self, port: int, yes: bool | None) -> None:
        if yes:
            self.post_message(messages.TryPort(port))

    def action_joining(self) -> None:
        opening = not self.engine.state.joining_open
        if self.link.do(c.SetJoining, open=opening) is None:
            return
        if opening:
            self.notify("Joining is open: phones can join with the code.", markup=False)
        else:
            self.notify(
                "Joining is closed: nobody new can join; phones already in stay in. "
                "J opens it again.",
                markup=False,
            )

    def action_new_join_code(self) -> None:
        if not self.host.join_url:
            problem = self.host.join_problem
            why = f" ({problem.short}: j says what to do)" if problem is not None else ""
            self.not_here(f"Phones cannot join this run, so there is no join code to replace{why}.")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.post_message(messages.NewJoinCode())

        self.app.push_screen(
            Confirm(
                "Make a new join code?",
                "The QR code and link shown now stop letting people join (anyone with a "
                "photo of them must scan the new one). Phones already in stay in.",
            ),
            answer,
        )

    def action_people(self) -> None:
        state = self.engine.state
        status = joining_status(state)
        # People on paper count for steps that grow with the room: offered even before
        # any phone joins (a run without the server has only them).
        paper = (PAPER, f"On paper (no phone): {state.paper_people} · enter changes")
        if not state.participants:
            self.app.push_screen(
                Picker(
                    f"Nobody has joined from a phone yet. {status}",
                    [paper],
                    hint="enter sets how many take part on paper · esc closes",
                ),
                self._person_chosen,
            )
            return
        notes: dict[str, int] = {}
        for note in state.notes.values():
            notes[note.author] = notes.get(note.author, 0) + 1
        active = state.active_participants()
        removed = [p for p in state.participants.values() if p.removed]
        choices = []
        for person in active:
            count = notes.get(person.id, 0)
            choices.append(
                (
                    person.id,
                    f"{_name(person)}{_asked(person)} · joined {clock_of(person.joined_at)} · "
                    f"{count} note{'s' * (count != 1)}",
                )
            )
        for person in removed:
            if person.bans:
                what = "removed · enter lets them join again"
            elif person.let_back_in:
                what = "removed · may join again"
            else:
                what = "removed"
            choices.append((person.id, f"{_name(person)} · {what}"))
        choices.append(paper)
        self.app.push_screen(
            Picker(f"{len(active)} in · {status}", choices, hint=self._people_hint(removed)),
            self._person_chosen,
        )

    def _people_hint(self, removed: list[Participant]) -> str:
        also = " or lets them back in" if removed else ""
        plan = self.engine.plan
        if plan.join_roles or plan.tables:
            asked = " and ".join(
                w for w, on in (("role", plan.join_roles), ("table", plan.tables)) if on
            )
            return f"enter sets someone's {asked}, or removes them{also} · esc closes"
        return f"enter removes someone{also} · esc closes"

    def _offer_details(self, person: Participant) -> None:
        plan = self.engine.plan
        choices = []
        if plan.join_roles:
            choices.append(("role", f"Set role (now: {person.role or PREFER_NOT_TO_SAY})"))
        if plan.tables:
            choices.append(("table", f"Set table (now: {person.table or 'none'})"))
        choices.append(("remove", "Remove from the session"))

        def chosen(what: str | None) -> None:
            if what == "remove":
                self._person_chosen(person.id, ask=False)
            elif what == "role":
                roles = [(r, r) for r in plan.join_roles]
                self.app.push_screen(
                    Picker(
                        f"Role of {_name(person)}",
                        [*roles, ("", PREFER_NOT_TO_SAY)],
                        current=person.role or "",
                    ),
                    lambda role: self._set(person, role=role, table=person.table, asked=role),
                )
            elif what == "table":
                tables = [(str(n), f"table {n}") for n in range(1, (plan.tables or 0) + 1)]
                self.app.push_screen(
                    Picker(
                        f"Table of {_name(person)}",
                        [*tables, ("", "no table")],
                        current=str(person.table or ""),
                    ),
                    lambda table: self._set(
                        person, role=person.role, table=int(table) if table else None, asked=table
                    ),
                )

        self.app.push_screen(Picker(_name(person), choices), chosen)

    def _set(
        self, person: Participant, *, role: str | None, table: int | None, asked: str | None
    ) -> None:
        if asked is None:  # the picker was cancelled
            return
        done = self.link.do(
            c.SetRoleAndTable, participant=person.id, role=role or None, table=table
        )
        if done is not None:
            spec = self.engine.groups_at() if self.engine.state.started else None
            if spec is not None and spec.by is not None:  # groups are formed once, recorded
                self.notify("Their group stays as it is: G re-forms the groups.", markup=False)

    def _ask_paper_people(self) -> None:
        def answer(text: str | None) -> None:
            if text is None:
                return
            if not text.isdigit() or int(text) > 1000:
                self.notify(
                    f"'{text}' is not a number of people (0 to 1000).",
                    severity="error",
                    markup=False,
                )
                return
            self.link.do(c.SetPaperPeople, count=int(text))

        self.app.push_screen(
            TextPrompt(
                "How many people take part on paper (without a phone)?",
                str(self.engine.state.paper_people),
                hint="steps that grow with the room count them beside the phones · "
                "enter saves · esc cancels",
                max_length=4,
                select=True,
            ),
            answer,
        )

    def _person_chosen(self, participant: str | None, ask: bool = True) -> None:
        if participant is None:
            return
        if participant == PAPER:
            self._ask_paper_people()
            return
        person = self.engine.state.participants[participant]
        label = person.name or "this anonymous participant"
        if person.removed and not person.bans:
            self.notify(f"Nothing stops {label} joining again.", markup=False)
            return
        plan = self.engine.plan
        if ask and not person.removed and (plan.join_roles or plan.tables):
            self._offer_details(person)
            return
        if person.removed:

            def let_in(yes: bool | None) -> None:
                if yes:
                    self.link.do(c.LetBackIn, participant=participant)

            self.app.push_screen(
                Confirm(
                    f"Let {label} back in?",
                    "Their phone may join again, as someone new. What they wrote before "
                    "stays in the record.",
                ),
                let_in,
            )
            return

        def remove(yes: bool | None) -> None:
            if yes:
                self.link.do(c.RemoveParticipant, participant=participant)

        self.app.push_screen(
            Confirm(
                f"Remove {label}?",
                "Their phone stops working in this session, and this browser cannot join "
                "again until you let them back in (P). What they wrote stays in the record "
                f"(hide single notes with h). {NOT_UNDOABLE}",
            ),
            remove,
        )

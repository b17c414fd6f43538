"""The run screen's keys for words, questions and actions steps (``keys.KIND_KEYS``).

A mixin of :class:`~sessionkit.tui.screens.run.RunScreen`, kept apart so each kind's keys
sit together and the run screen only asks :meth:`KindActions.kind_detail` and
:meth:`applies` about them. Every key becomes one engine command; a refusal is shown
(in the open form, or as a notification), never lost.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from sessionkit.core import commands as c
from sessionkit.core.engine import Rejected
from sessionkit.core.inputs.actions import ActionsInput, source_label
from sessionkit.core.inputs.questions import MAX_QUESTION_CHARS, ranked
from sessionkit.core.inputs.requests import ANSWERS, MAX_REPLY_CHARS, MAX_REQUEST_CHARS
from sessionkit.core.inputs.sort import PAPER, SortInput, placements
from sessionkit.core.inputs.words import MAX_WORDS_CHARS, WordsInput
from sessionkit.core.state import Action
from sessionkit.tui.board_model import Row, item_label
from sessionkit.tui.screens.action_form import ActionForm
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import NoteEntry, Picker, TextPrompt
from sessionkit.tui.screens.paper_rank import paper_rank
from sessionkit.tui.session import explain
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.panels import Detail

log = logging.getLogger("sessionkit.tui")

_KIND_OF_ACTION = {
    "add_questions": "questions",
    "paper_upvote": "questions",
    "merge_question": "questions",
    "hide_question": "questions",
    "add_words": "words",
    "hide_word": "words",
    "add_action": "actions",
    "edit_action": "actions",
    "drop_action": "actions",
    "paper_sort": "sort",
    "paper_rank": "rank",
    "add_requests": "requests",
}


class KindActions(SessionScreen):
    """Keys and detail lines of the words, questions and actions boards."""

    _kind: str

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.host.link is not None:
            kind = self._kind
            if action in _KIND_OF_ACTION:
                return kind == _KIND_OF_ACTION[action]
            if action == "mark_done":
                return kind in ("actions", "questions", "requests")
        return super().applies(action, parameters)

    def kind_detail(self, row: Row) -> bool:
        """Show the focused row of one of these kinds in the detail panel (True if it was)."""
        detail = self.query_one(Detail)
        if row.kind == "word":
            word, count, hidden = row.ref
            given = f"{count} answer{'s' * (count != 1)}"
            detail.show_text(
                word,
                given + (" · out of the cloud (h puts it back)" if hidden else " · h takes it out"),
            )
            return True
        if row.kind == "question":
            text, votes, answered, merged, hidden, asker = row.ref
            facts = [f"{votes} upvote{'s' * (votes != 1)}"]
            if asker:
                facts.append(asker)
            if merged:
                facts.append(f"{merged} duplicate{'s' * (merged != 1)} merged in")
            facts.append("answered" if answered else "open · y marks it answered")
            if hidden:
                facts.append("taken down (h puts it back)")
            detail.show_text(text, " · ".join(facts))
            return True
        if row.kind == "sorted":
            label, counts, buckets, _ = row.ref
            facts = [f"{name}: {count}" for name, count in zip(buckets, counts, strict=True)]
            detail.show_text(label, " · ".join(facts))
            return True
        if row.kind == "request":
            text, from_team, answer, reply, paper = row.ref
            facts = [f"from {from_team}" if from_team else "from no team named"]
            facts.append(f"{answer}: {reply}" if answer and reply else answer or "not answered yet")
            if paper:
                facts.append("paper")
            detail.show_text(text, " · ".join(facts) + " · y answers")
            return True
        if row.kind == "action":
            what, who, due, source, done, dropped = row.ref
            facts = [who or "nobody named yet", f"by {due}" if due else "no date"]
            if source:
                facts.append(f"from: {source}")
            facts.append("dropped (h puts it back)" if dropped else "done" if done else "to do")
            detail.show_text(what, " · ".join(facts))
            return True
        return False

    # ------------------------------------------------------------ helpers

    def _try(self, command: type[c.Command], **fields: Any) -> str | None:
        """Carry out a command as the facilitator: ``None`` if done, else why not."""
        try:
            self.engine.execute(command(**fields))
        except Rejected as refusal:
            return str(refusal)
        except ValidationError as error:
            return explain(error)
        except Exception as error:  # a bug must not end a workshop: report and go on
            log.exception("command %s failed", command.__name__)
            return f"That did not work ({type(error).__name__})."
        self.link.flush()
        return None

    def _focused(self, kind: str) -> Row | None:
        row = self.query_one(Board).current_row
        if row is None or row.kind != kind or row.key is None:
            self.notify(
                f"Move the cursor to {'an' if kind[0] in 'aeiou' else 'a'} {kind} first.",
                markup=False,
            )
            return None
        return row

    # ------------------------------------------------------------ words

    def action_add_words(self) -> None:
        _, step = self.engine.step_def()
        spec = step.input if step else None
        most = spec.max_words if isinstance(spec, WordsInput) else 3

        def submit(text: str, choice: str | None) -> bool:
            return self.link.do(c.AddWords, text=text) is not None

        words = "one word" if most == 1 else f"up to {most} words"
        self.app.push_screen(
            NoteEntry(
                f"Paper answers for the word cloud ({words} each)",
                submit,
                placeholder="Type an answer and press enter",
                max_length=MAX_WORDS_CHARS,
            )
        )

    def action_hide_word(self) -> None:
        row = self._focused("word")
        if row is not None:
            word, _, hidden = row.ref
            self.link.do(c.HideWord, word=word, hidden=not hidden)

    # ------------------------------------------------------------ actions

    def _action_sources(self) -> list[tuple[str, str]]:
        """What an action may come from: the clusters of the run, then the notes of the
        step's ``from_step`` (or of every step, when it names none), newest last."""
        engine, state = self.engine, self.engine.state
        _, step = engine.step_def()
        spec = step.input if step else None
        wanted: str | None = None
        if isinstance(spec, ActionsInput) and spec.from_step:
            wanted = engine.step_key_for(state.item, spec.from_step)
        out = [
            (cl.id, f"Theme: {cl.label}")
            for cl in state.clusters.values()
            if wanted is None or cl.step == wanted
        ]
        notes = [
            n for n in state.notes.values() if not n.hidden and (wanted is None or n.step == wanted)
        ]
        out += [(n.id, "Note: " + source_label(state, n.id, 12)) for n in notes[-300:]]
        return out

    def _people(self) -> list[str]:
        return [p.name for p in self.engine.state.active_participants() if p.name]

    def action_add_action(self) -> None:
        def submit(fields: dict[str, str]) -> str | None:
            return self._try(
                c.AddAction,
                what=fields["what"],
                who=fields["who"] or None,
                due=fields["due"] or None,
                source=fields["source"] or None,
            )

        self.app.push_screen(
            ActionForm(
                "Add actions (paper, or from the room)",
                submit,
                sources=self._action_sources(),
                people=self._people(),
                again=True,
            )
        )

    def action_edit_action(self) -> None:
        row = self._focused("action")
        if row is None:
            return
        action: Action = self.engine.state.actions[str(row.key)]

        def submit(fields: dict[str, str]) -> str | None:
            before = (action.what, action.who or "", action.due or "", action.source or "")
            if before == (fields["what"], fields["who"], fields["due"], fields["source"]):
                return None  # nothing changed: just close
            return self._try(
                c.EditAction,
                action=action.id,
                what=fields["what"],
                who=fields["who"],
                due=fields["due"],
                source=fields["source"],
            )

        self.app.push_screen(
            ActionForm(
                "Edit the action",
                submit,
                what=action.what,
                who=action.who or "",
                due=action.due or "",
                source=action.source or "",
                sources=self._action_sources(),
                people=self._people(),
            )
        )

    def action_mark_done(self) -> None:
        if self._kind == "questions":
            self.mark_answered()
            return
        if self._kind == "requests":
            self.answer_request()
            return
        row = self._focused("action")
        if row is not None:
            done = not self.engine.state.actions[str(row.key)].done
            self.link.do(c.MarkActionDone, action=row.key, done=done)

    def action_drop_action(self) -> None:
        row = self._focused("action")
        if row is not None:
            dropped = not self.engine.state.actions[str(row.key)].dropped
            self.link.do(c.DropAction, action=row.key, dropped=dropped)

    # ------------------------------------------------------------ questions

    def action_add_questions(self) -> None:
        def submit(text: str, choice: str | None) -> bool:
            return self.link.do(c.AskQuestion, text=text) is not None

        self.app.push_screen(
            NoteEntry(
                "Questions for the room (from paper)",
                submit,
                placeholder="Type a question and press enter",
                max_length=MAX_QUESTION_CHARS,
            )
        )

    def action_paper_upvote(self, delta: int) -> None:
        row = self._focused("question")
        if row is not None:
            command = c.Upvote if delta > 0 else c.WithdrawUpvote
            self.link.do(command, question=row.key)

    def mark_answered(self) -> None:
        row = self._focused("question")
        if row is not None:
            answered = not self.engine.state.questions[str(row.key)].answered
            self.link.do(c.MarkAnswered, question=row.key, answered=answered)

    def action_merge_question(self) -> None:
        row = self._focused("question")
        if row is None:
            return
        state = self.engine.state
        source = str(row.key)
        choices = [
            (q.id, f"{len(q.voters)} ▲  {q.text}")
            for q in ranked(state, state.step_key)
            if q.id != source
        ]
        if not choices:
            self.notify("There is no other question to merge it into.", markup=False)
            return

        def chosen(target: str | None) -> None:
            if target and self.link.do(c.MergeQuestions, source=source, target=target):
                self.query_one(Board).move_to_key("question", target)

        text = state.questions[source].text
        short = text if len(text) <= 40 else text[:39] + "…"
        self.app.push_screen(Picker(f"“{short}” duplicates which question?", choices), chosen)

    def action_hide_question(self) -> None:
        row = self._focused("question")
        if row is not None:
            hidden = not self.engine.state.questions[str(row.key)].hidden
            self.link.do(c.HideQuestion, question=row.key, hidden=hidden)

    # ------------------------------------------------------------ sort

    def action_paper_sort(self) -> None:
        """One paper sheet: its number, then a bucket for each item in turn."""
        engine = self.engine
        key = engine.state.step_key
        _, step = engine.step_def()
        if step is None or not isinstance(step.input, SortInput):
            return
        spec = step.input
        items = engine.sort_targets(key)
        if not items:
            self.notify("There is nothing to sort on this step yet.", markup=False)
            return
        sheets = [
            int(s[len(PAPER) :]) for s in placements(engine.state, key) if s[len(PAPER) :].isdigit()
        ]
        next_sheet = max(sheets, default=0) + 1

        def place(sheet: int, index: int) -> None:
            if index >= len(items):
                self.notify(f"Paper sheet {sheet}: every item placed.", markup=False)
                return
            item = items[index]
            current = placements(engine.state, key).get(f"{PAPER}{sheet}", {}).get(item)
            label = item_label(engine, item, room=False)
            short = label if len(label) <= 40 else label[:39] + "…"

            def chosen(bucket: str | None) -> None:
                if bucket is None:
                    self.notify(f"Paper sheet {sheet}: stopped at item {index + 1}.", markup=False)
                    return
                if bucket != current:
                    why = self._try(c.PlaceItem, item=item, bucket=bucket, paper=sheet)
                    if why is not None:
                        self.notify(why, severity="error", markup=False)
                        return
                place(sheet, index + 1)

            self.app.push_screen(
                Picker(
                    f"Sheet {sheet} · {index + 1} of {len(items)}: “{short}”",
                    [(name, name) for name in spec.buckets],
                    current=current,
                    hint="enter places it · esc stops (the sheet keeps what is placed)",
                ),
                chosen,
            )

        def numbered(text: str | None) -> None:
            if text is None:
                return
            if not text.strip().isdigit() or not 1 <= int(text) <= 999:
                self.notify("A paper sheet's number is a whole number, 1 to 999.", markup=False)
                return
            place(int(text), 0)

        self.app.push_screen(
            TextPrompt(
                "Which paper sheet? (a new number for each person)",
                str(next_sheet),
                hint="enter starts · esc cancels",
                max_length=3,
                select=True,
            ),
            numbered,
        )

    def action_paper_rank(self) -> None:
        """One paper sheet of a rank step: its number, then its ranking or its scores."""
        paper_rank(self, self._try)

    # ------------------------------------------------------------ requests

    def action_add_requests(self) -> None:
        spec = self.engine.step_def()[1]
        teams = getattr(spec.input, "teams", []) if spec is not None else []

        def submit(text: str, team: str | None) -> bool:
            return self.link.do(c.SendRequest, text=text, team=team or "") is not None

        self.app.push_screen(
            NoteEntry(
                "Requests from paper",
                submit,
                [(t.id, t.label) for t in teams],
                "to",
                placeholder="Type a request and press enter",
                max_length=MAX_REQUEST_CHARS,
            )
        )

    def answer_request(self) -> None:
        row = self._focused("request")
        if row is None:
            return
        request = str(row.key)
        choices = [(a, label) for a, label in ANSWERS.items()]

        def chosen(answer: str | None) -> None:
            if not answer:
                return

            def replied(reply: str | None) -> None:
                self.link.do(c.AnswerRequest, request=request, answer=answer, reply=reply or "")

            self.app.push_screen(
                TextPrompt(
                    "A short reply (optional)",
                    hint="enter saves · esc or an empty line: no reply",
                    max_length=MAX_REPLY_CHARS,
                ),
                replied,
            )

        self.app.push_screen(Picker("The team's answer (paper)", choices), chosen)

"""Words: one- to three-word answers, shown as a word cloud.

Each answer is kept as typed and as its normalised form (case folded, whitespace
collapsed, punctuation stripped at both ends), and the cloud counts answers per
normalised form: "Trust", " trust! " and "TRUST" are one entry of three. The
facilitator types paper answers (each counts separately) and can take a word out of
the cloud (it stays in the record, marked, like a hidden note).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import InputKind, InputSpec, RuleContext
from sessionkit.core.state import FACILITATOR, REMOVED_TEXT, Event, SessionState, WordAnswer
from sessionkit.core.text import CleanStr

MAX_WORDS_CHARS = 60


class WordsInput(InputSpec):
    """Short answers of a few words each, shown as a word cloud."""

    kind: Literal["words"]
    max_words: int = Field(default=3, ge=1, le=3)
    """Words in one answer, at most."""
    answers_per_person: int = Field(default=3, ge=1, le=20)

    def describe(self) -> str:
        words = "one word" if self.max_words == 1 else f"up to {self.max_words} words"
        return f"words: {words} per answer, {self.answers_per_person} answers each, as a cloud"

    def caption(self) -> str:
        return "word cloud"


def normalise(text: str) -> str:
    """The form the cloud counts: casefolded, whitespace collapsed, punctuation stripped
    at both ends ("  Trust! " -> "trust"). Empty if nothing but punctuation is left."""
    words = " ".join(text.casefold().split())
    start, end = 0, len(words)
    while start < end and _is_punctuation(words[start]):
        start += 1
    while end > start and _is_punctuation(words[end - 1]):
        end -= 1
    return words[start:end].strip()


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def cloud(state: SessionState, key: str) -> list[tuple[str, int]]:
    """(word, answers) for a words step, most first (ties: first given first); words
    the facilitator took out are left out."""
    hidden = set(state.hidden_words.get(key, ()))
    counts: dict[str, int] = {}
    for answer in state.words.values():
        if answer.step == key and answer.word not in hidden:
            counts[answer.word] = counts.get(answer.word, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def answers_by(state: SessionState, key: str, author: str) -> list[WordAnswer]:
    return [a for a in state.words.values() if a.step == key and a.author == author]


# ---------------------------------------------------------------- commands


class AddWords(Command):
    type: Literal["add_words"] = "add_words"
    text: Annotated[CleanStr, Field(max_length=MAX_WORDS_CHARS)]
    client_id: ClientId | None = None


class HideWord(Command):
    """Take a word out of the cloud (or put it back): every answer that normalises to it."""

    type: Literal["hide_word"] = "hide_word"
    word: Annotated[str, Field(max_length=MAX_WORDS_CHARS)]
    hidden: bool = True


def _words_step(ctx: RuleContext) -> tuple[str, WordsInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, WordsInput):
        raise Rejected("There is no word cloud on this step.", "conflict")
    return ctx.state.step_key, spec


def _add(ctx: RuleContext, cmd: AddWords, actor: str) -> Event:
    key, spec = _words_step(ctx)
    word = normalise(cmd.text)
    if not word:
        raise Rejected("Write a word or two (letters, not only punctuation).")
    count = len(word.split())
    if count > spec.max_words:
        most = "one word" if spec.max_words == 1 else f"at most {spec.max_words} words"
        raise Rejected(f"Use {most} ({count} written).")
    if actor != FACILITATOR:  # paper answers count separately, with no limit
        given = len(answers_by(ctx.state, key, actor))
        if given >= spec.answers_per_person:
            raise Rejected(f"You have given {given} answers, the most this step allows.", "limit")
    return ctx.event(
        "words_added",
        actor,
        answer=f"w{ctx.state.counter + 1}",
        step=key,
        text=" ".join(cmd.text.split()),
        word=word,
    )


def _hide(ctx: RuleContext, cmd: HideWord, actor: str) -> Event:
    key, _ = _words_step(ctx)
    # Removed answers share one entry in the cloud, which no answer normalises to.
    word = cmd.word if cmd.word == REMOVED_TEXT else normalise(cmd.word)
    hidden = word in ctx.state.hidden_words.get(key, ())
    if hidden == cmd.hidden:
        raise Rejected(
            "That word is already out of the cloud." if hidden else "That word is in the cloud.",
            "conflict",
        )
    if not any(a.step == key and a.word == word for a in ctx.state.words.values()):
        raise Rejected("Nobody has given that word on this step.", "not_found")
    return ctx.event("word_hidden", actor, step=key, word=word, hidden=cmd.hidden)


# ---------------------------------------------------------------- folds


def _on_added(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.words[d["answer"]] = WordAnswer(
        id=d["answer"],
        step=d["step"],
        text=d["text"],
        word=d["word"],
        author=event.actor,
        created_at=event.at,
    )


def _on_hidden(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    hidden = state.hidden_words.setdefault(d["step"], [])
    if d["hidden"] and d["word"] not in hidden:
        hidden.append(d["word"])
    elif not d["hidden"] and d["word"] in hidden:
        hidden.remove(d["word"])


def _deidentify(state: SessionState) -> None:
    """Answers are anonymous: who gave which is not kept (paper ones stay marked)."""
    for answer in state.words.values():
        if answer.author != FACILITATOR:
            answer.author = ""


KIND = InputKind(
    name="words",
    order=62,
    spec=WordsInput,
    rules={AddWords: _add, HideWord: _hide},
    participant_commands=(AddWords,),
    folds={"words_added": _on_added, "word_hidden": _on_hidden},
    has_content=lambda state, key: any(a.step == key for a in state.words.values()),
    deidentify=_deidentify,
)

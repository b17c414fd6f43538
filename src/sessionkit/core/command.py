"""The base of every command, and the bounded field types commands share.

A command is a request, not a fact: the engine validates it against the current step and
its rules and either rejects it (state unchanged) or turns it into an event. The same
models validate JSON from phones, so every field is bounded. Each input kind defines its
own commands on this base (:mod:`sessionkit.core.inputs`); :mod:`sessionkit.core.commands`
gathers them all.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sessionkit.core.text import CleanStr

MAX_NOTE_CHARS = 500
MAX_NAME_CHARS = 40
MAX_LABEL_CHARS = 80

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
ShortId = Annotated[str, Field(min_length=1, max_length=40)]
NoteText = Annotated[CleanStr, Field(max_length=MAX_NOTE_CHARS)]
PersonName = Annotated[CleanStr, Field(max_length=MAX_NAME_CHARS)]
Label = Annotated[CleanStr, Field(min_length=1, max_length=MAX_LABEL_CHARS)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    type: str

    @classmethod
    def type_name(cls) -> str:
        """The ``type`` every instance of this command carries (its JSON tag)."""
        default = cls.model_fields["type"].default
        assert isinstance(default, str), f"{cls.__name__} has no literal type"
        return default

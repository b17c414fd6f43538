"""JSON: the full record (plan, methods, de-identified state), for archiving or tools.

Unlike the readable exports it keeps hidden notes (with ``hidden = true``): it is the
record, not a report. :func:`load` reads it back into an identical :class:`Record`.
"""

from __future__ import annotations

import json

from sessionkit.core.record import Record


def render(record: Record) -> str:
    return record.model_dump_json(indent=2, by_alias=True) + "\n"


def load(text: str) -> Record:
    return Record.model_validate(json.loads(text))

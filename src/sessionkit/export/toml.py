"""TOML: the full record, like the JSON export, in the format methods and plans use.

TOML has no null: missing values are left out and load back as their ``None`` default,
so :func:`load` gives an identical :class:`Record`.
"""

from __future__ import annotations

import tomllib

import tomli_w

from sessionkit.core.record import Record
from sessionkit.core.tomldata import toml_data


def render(record: Record) -> str:
    return tomli_w.dumps(toml_data(record))


def load(text: str) -> Record:
    return Record.model_validate(tomllib.loads(text))

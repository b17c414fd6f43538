"""A model as plain data TOML can hold: what the store's snapshot and the TOML export write.

Pure: it shapes data; the callers write it (``tomli_w``) where they do their I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel


def toml_data(model: BaseModel) -> dict[str, Any]:
    """A model as a dict ``tomli_w`` can write: no ``None`` (TOML has no null), aliases
    used (``break``), enums as their values, dates and times kept as TOML dates and times.

    Loading it back relies on every optional field defaulting to ``None``.
    """
    data = model.model_dump(mode="python", exclude_none=True, by_alias=True)
    plain: dict[str, Any] = _plain(data)
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        if any(v is None for v in items):
            raise ValueError("TOML cannot hold a list with a missing (None) value")
        return items
    return value

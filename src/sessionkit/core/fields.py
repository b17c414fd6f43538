"""Field types shared by every author-facing model (methods, steps, inputs, plans).

Kept apart from :mod:`sessionkit.core.method` so an input kind's module can use them
without importing the method model that in turn collects every input kind.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
VARIABLE = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"

Kebab = Annotated[str, Field(pattern=KEBAB, min_length=1, max_length=60)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
PositiveMinutes = Annotated[int, Field(ge=1, le=24 * 60)]
"""Minutes that must be at least one. (``Minutes = Field(ge=1)`` does not work: the
alias's own ``ge=0`` is applied after the field's and wins, so 0 slipped through.)"""

FieldPath = tuple[str | int, ...]
"""Where in a file a problem is: keys and list indexes, as the loader locates them."""


class Strict(BaseModel):
    """Base for author-facing models: unknown keys are errors, values are not coerced.

    Strict, so ``timebox = "5"`` or ``private = "yes"`` is a wrong type the author is told
    about rather than a guess. Enum fields opt out (TOML has strings, not enum members).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)


def require_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"two {what}s have the id '{item}'")
        seen.add(item)

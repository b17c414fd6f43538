"""Pydantic validation errors as problems an author can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sessionkit.core.inputs import spec_keys
from sessionkit.core.method import (
    HEX_COLOUR,
    KEBAB,
    Step,
)
from sessionkit.library.model_walk import _keys, _literal_values, _tag_of, _Union, _walk
from sessionkit.library.problems import Problem, _did_you_mean, _quoted_list, _shown, field_path
from sessionkit.library.toml_file import _Source
from sessionkit.library.toml_lines import Loc

_PATTERNS = {
    KEBAB: "lowercase letters and digits joined by single hyphens, like 'rose-thorn-bud'",
    HEX_COLOUR: "a colour written '#' and six hex digits, like '#f4a6b7'",
    r"^[a-z_][a-z0-9_]*$": "lowercase letters, digits and underscores, like 'topic'",
}


# The keys of every input kind, less the step's own: one of these on a step belongs in
# the step's [steps.input] table, and the unknown-key message says so.
_INPUT_KEYS = spec_keys() - set(Step.model_fields)

# What each wrong-type error expected, in the words of a TOML author. Integers are
# handled apart: pydantic says int_type both for text and for 2.5.
_EXPECTED_TYPES: dict[str, str] = {
    kind: expected
    for kinds, expected in (
        (("bool_type", "bool_parsing"), "true or false"),
        (("string_type",), "text in quotes"),
        (("list_type",), 'a list like ["a", "b"]'),
        (
            ("dict_type", "model_type", "model_attributes_type"),
            "a table (a [section] or { key = value })",
        ),
        (
            (
                "date_type",
                "date_parsing",
                "date_from_datetime_parsing",
                "date_from_datetime_inexact",
            ),
            "a date like 2025-02-11",
        ),
        (("time_type", "time_parsing"), 'a clock time like "09:30"'),
    )
    for kind in kinds
}

# error type -> (the words, the ctx key holding the bound)
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}

_UNION_TAG_ERRORS = ("union_tag_invalid", "union_tag_not_found")


@dataclass(frozen=True)
class _Error:
    """One pydantic error with its loc followed through the models (see :func:`_walk`)."""

    kind: str
    """pydantic's error type, like ``extra_forbidden``."""
    loc: Loc
    """The loc as pydantic gives it."""
    clean: Loc
    """The key path as written in the TOML file."""
    owner: type[BaseModel] | None
    current: Any
    value: Any
    ctx: dict[str, Any]
    msg: str

    @property
    def key(self) -> str | int:
        return self.clean[-1] if self.clean else ""


def _what(owner: type[BaseModel] | None) -> str:
    """ " for a 'vote' input" when the model is a step input, else ""."""
    if owner is None:
        return ""
    tag = _tag_of(owner, "kind")
    return f" for a '{tag}' input" if tag else ""


def _problems_from_validation(
    error: ValidationError, model: type[BaseModel], source: _Source, injected_id: bool = False
) -> list[Problem]:
    """One Problem per pydantic error, in line order.

    ``injected_id``: the id was filled in from the file name, so a bad id is a bad name.
    """
    errors = error.errors(include_url=False)
    missing = _missing_keys(errors, model)
    problems = []
    for details in errors:
        err = _located(details, model)
        code, message, clean = _describe(err, missing, source, injected_id)
        problems.append(
            Problem(source.path, source.lines.line(clean), field_path(clean), message, code=code)
        )
    return sorted(problems, key=lambda p: p.line or 0)


def _missing_keys(errors: list[ErrorDetails], model: type[BaseModel]) -> dict[Loc, list[str]]:
    """Table path -> its missing required keys, which make an unknown key there a likely
    misspelling of one of them."""
    missing: dict[Loc, list[str]] = {}
    for details in errors:
        if details["type"] == "missing":
            clean, _, _ = _walk(model, tuple(details["loc"]))
            missing.setdefault(clean[:-1], []).append(str(clean[-1]))
    return missing


def _located(details: ErrorDetails, model: type[BaseModel]) -> _Error:
    loc: Loc = tuple(details["loc"])
    clean, owner, current = _walk(model, loc)
    return _Error(
        kind=details["type"],
        loc=loc,
        clean=clean,
        owner=owner,
        current=current,
        value=details.get("input"),
        ctx=details.get("ctx") or {},
        msg=details["msg"],
    )


def _describe(
    err: _Error, missing: dict[Loc, list[str]], source: _Source, injected_id: bool
) -> tuple[str, str, Loc]:
    """(code, message, key path) for one error; the key path also locates the line."""
    if err.kind in _UNION_TAG_ERRORS:
        return _union_tag(err)
    if err.kind == "extra_forbidden":
        return "unknown-key", _unknown_key_message(err, missing), err.clean
    if err.kind == "missing":
        return "missing", f"missing required field '{err.key}'", err.clean
    if err.kind in ("literal_error", "enum"):
        return "choice", _choice_message(err), err.clean
    wrong_type = _type_message(err)
    if wrong_type is not None:
        return "type", wrong_type, err.clean
    return "invalid", _invalid_message(err, source, injected_id), err.clean


def _unknown_key_message(err: _Error, missing: dict[Loc, list[str]]) -> str:
    allowed = _keys(err.owner) if err.owner else []
    hint = _did_you_mean(str(err.key), allowed, missing.get(err.clean[:-1], ()))
    if err.owner is Step and str(err.key) in _INPUT_KEYS:
        hint = " (input settings go in the step's input table: [steps.input])"
    if not hint and allowed:
        hint = f" (expected one of: {', '.join(allowed)})"
    return f"unknown key '{err.key}'{_what(err.owner)}{hint}"


def _union_tag(err: _Error) -> tuple[str, str, Loc]:
    """A missing or unknown ``kind`` (or other discriminator): the problem is on that key."""
    discriminator = err.ctx.get("discriminator", "'kind'").strip("'")
    tags = (
        list(err.current.members)
        if isinstance(err.current, _Union)
        else re.findall(r"'([^']*)'", err.ctx.get("expected_tags", ""))
    )
    clean = (*err.clean, discriminator)
    if err.kind == "union_tag_not_found":
        message = f"missing required field '{discriminator}' (one of {_quoted_list(tags)})"
        return "missing", message, clean
    tag = err.ctx.get("tag", "")
    message = (
        f"unknown {discriminator} '{tag}'{_did_you_mean(str(tag), tags)}; "
        f"expected {_quoted_list(tags)}"
    )
    return "choice", message, clean


def _choice_message(err: _Error) -> str:
    allowed = _literal_values(err.current) or re.findall(r"'([^']*)'", err.ctx.get("expected", ""))
    message = f"expected {_quoted_list(allowed)}, got {_shown(err.value)}"
    if isinstance(err.value, str):
        message += _did_you_mean(err.value, allowed)
    return message


def _type_message(err: _Error) -> str | None:
    """ "expected <type>, got <value>" when the value has the wrong type, else None."""
    if err.kind in ("int_type", "int_parsing") and not isinstance(err.value, float):
        expected = "an integer"
    elif err.kind in ("int_from_float", "int_type"):
        expected = "a whole number"
    elif err.kind in _EXPECTED_TYPES:
        expected = _EXPECTED_TYPES[err.kind]
    else:
        return None
    return f"expected {expected}, got {_shown(err.value)}"


def _invalid_message(err: _Error, source: _Source, injected_id: bool) -> str:
    """The message for a value of the right type that is still not allowed."""
    if err.kind == "string_pattern_mismatch":
        return _pattern_message(err, source, injected_id)
    if err.kind in ("value_error", "assertion_error"):
        return str(err.ctx.get("error") or err.msg).removeprefix("Value error, ")
    limit = _limit_message(err)
    if limit is not None:
        return limit
    return f"{err.msg}, got {_shown(err.value)}"


def _limit_message(err: _Error) -> str | None:
    """The message for a number, list or text outside its bounds, else None."""
    ctx = err.ctx
    if err.kind in _BOUNDS:
        words, bound = _BOUNDS[err.kind]
        return f"expected {words} {ctx.get(bound)}, got {_shown(err.value)}"
    if err.kind == "too_short":
        wanted = ctx.get("min_length")
        return (
            f"expected at least {wanted} item{'s' if wanted != 1 else ''}, "
            f"got {ctx.get('actual_length', 0)}"
        )
    if err.kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if err.kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"expected at least {ctx.get('min_length')} characters"
    if err.kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, got {len(str(err.value))}"
    return None


def _pattern_message(err: _Error, source: _Source, injected_id: bool) -> str:
    wanted = _PATTERNS.get(err.ctx.get("pattern", ""), f"text matching {err.ctx.get('pattern')}")
    if err.loc and err.loc[-1] == "[key]":
        return f"'{err.value}' is not a valid name here: expected {wanted}"
    if injected_id and err.clean == ("id",):
        return f"the file name '{source.path.stem}' is not a valid id: rename the file to {wanted}"
    message = f"expected {wanted}, got {_shown(err.value)}"
    if err.ctx.get("pattern") == KEBAB and isinstance(err.value, str):
        fixed = re.sub(r"[^a-z0-9]+", "-", err.value.lower()).strip("-")
        if fixed and fixed != err.value:
            message += f" (did you mean '{fixed}'?)"
    return message

"""Pydantic validation errors as problems an author can act on."""

from __future__ import annotations

import re

from pydantic import BaseModel, ValidationError

from sessionkit.core.method import (
    HEX_COLOUR,
    KEBAB,
    CanvasInput,
    ClusterInput,
    DiscussionInput,
    NotesInput,
    RatingInput,
    Step,
    VoteInput,
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


_INPUT_KEYS = {
    key
    for model in (NotesInput, VoteInput, ClusterInput, RatingInput, CanvasInput, DiscussionInput)
    for key in model.model_fields
} - set(Step.model_fields)


def _what(owner: type[BaseModel] | None) -> str:
    """" for a 'vote' input" when the model is a step input, else ""."""
    if owner is None:
        return ""
    tag = _tag_of(owner, "kind")
    return f" for a '{tag}' input" if tag else ""


def _problems_from_validation(
    error: ValidationError, model: type[BaseModel], source: _Source, injected_id: bool = False
) -> list[Problem]:
    problems = []
    errors = error.errors(include_url=False)
    missing: dict[Loc, list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            clean, _, _ = _walk(model, tuple(err["loc"]))
            missing.setdefault(clean[:-1], []).append(str(clean[-1]))
    for err in errors:
        loc: Loc = tuple(err["loc"])
        clean, owner, current = _walk(model, loc)
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        key = clean[-1] if clean else ""
        line_loc = clean
        code = "invalid"
        if kind == "extra_forbidden":
            code = "unknown-key"
            allowed = _keys(owner) if owner else []
            hint = _did_you_mean(str(key), allowed, missing.get(clean[:-1], ()))
            if owner is Step and str(key) in _INPUT_KEYS:
                hint = " (input settings go in the step's input table: [steps.input])"
            if not hint and allowed:
                hint = f" (expected one of: {', '.join(allowed)})"
            message = f"unknown key '{key}'{_what(owner)}{hint}"
        elif kind == "missing":
            code = "missing"
            message = f"missing required field '{key}'"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            discriminator = ctx.get("discriminator", "'kind'").strip("'")
            tags = list(current.members) if isinstance(current, _Union) else re.findall(
                r"'([^']*)'", ctx.get("expected_tags", "")
            )
            line_loc = clean = clean + (discriminator,)
            if kind == "union_tag_not_found":
                code = "missing"
                message = f"missing required field '{discriminator}' (one of {_quoted_list(tags)})"
            else:
                code = "choice"
                tag = ctx.get("tag", "")
                message = (
                    f"unknown {discriminator} '{tag}'{_did_you_mean(str(tag), tags)}; "
                    f"expected {_quoted_list(tags)}"
                )
        elif kind in ("literal_error", "enum"):
            code = "choice"
            allowed = _literal_values(current) or re.findall(r"'([^']*)'", ctx.get("expected", ""))
            message = f"expected {_quoted_list(allowed)}, got {_shown(value)}"
            if isinstance(value, str):
                message += _did_you_mean(value, allowed)
        elif kind in ("int_type", "int_parsing") and not isinstance(value, float):
            code = "type"
            message = f"expected an integer, got {_shown(value)}"
        elif kind in ("int_from_float", "int_type"):
            code = "type"
            message = f"expected a whole number, got {_shown(value)}"
        elif kind in ("bool_type", "bool_parsing"):
            code = "type"
            message = f"expected true or false, got {_shown(value)}"
        elif kind == "string_type":
            code = "type"
            message = f"expected text in quotes, got {_shown(value)}"
        elif kind == "list_type":
            code = "type"
            message = f'expected a list like ["a", "b"], got {_shown(value)}'
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            code = "type"
            message = f"expected a table (a [section] or {{ key = value }}), got {_shown(value)}"
        elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
            code = "type"
            message = f"expected a date like 2025-02-11, got {_shown(value)}"
        elif kind in ("time_type", "time_parsing"):
            code = "type"
            message = f'expected a clock time like "09:30", got {_shown(value)}'
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            bound = {
                "greater_than_equal": ("at least", "ge"),
                "greater_than": ("more than", "gt"),
                "less_than_equal": ("at most", "le"),
                "less_than": ("less than", "lt"),
            }[kind]
            message = f"expected {bound[0]} {ctx.get(bound[1])}, got {_shown(value)}"
        elif kind == "too_short":
            wanted = ctx.get("min_length")
            message = f"expected at least {wanted} item{'s' if wanted != 1 else ''}, got {ctx.get('actual_length', 0)}"
        elif kind == "too_long":
            message = f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
        elif kind == "string_too_short":
            message = "must not be empty" if ctx.get("min_length") == 1 else (
                f"expected at least {ctx.get('min_length')} characters"
            )
        elif kind == "string_too_long":
            message = f"expected at most {ctx.get('max_length')} characters, got {len(str(value))}"
        elif kind == "string_pattern_mismatch":
            wanted = _PATTERNS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
            if loc and loc[-1] == "[key]":
                message = f"'{value}' is not a valid name here: expected {wanted}"
            elif injected_id and clean == ("id",):
                message = (
                    f"the file name '{source.path.stem}' is not a valid id: rename the file "
                    f"to {wanted}"
                )
            else:
                message = f"expected {wanted}, got {_shown(value)}"
                if ctx.get("pattern") == KEBAB and isinstance(value, str):
                    fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
                    if fixed and fixed != value:
                        message += f" (did you mean '{fixed}'?)"
        elif kind in ("value_error", "assertion_error"):
            message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        else:
            message = f"{err['msg']}, got {_shown(value)}"
        problems.append(Problem(
            source.path, source.lines.line(line_loc), field_path(clean), message, code=code
        ))
    return sorted(problems, key=lambda p: p.line or 0)

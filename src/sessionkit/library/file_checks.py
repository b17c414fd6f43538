"""Checks of one file on its own: method or plan, does it validate, does its id fit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sessionkit.core.method import Method, method_problems, method_warnings
from sessionkit.core.plan import Plan
from sessionkit.library.contents import Kind
from sessionkit.library.model_walk import _keys
from sessionkit.library.problems import Problem, field_path
from sessionkit.library.toml_file import _Source
from sessionkit.library.validation_errors import _problems_from_validation


def _guess_kind(data: dict[str, Any], path: Path) -> Kind:
    """Whether a file given by path (not found in a library folder) is a method or a plan."""
    if "days" in data and "steps" not in data:
        return "plan"
    if "steps" in data:
        return "method"
    folders = {part.lower() for part in Path(path).parent.parts}
    if folders & {"sessions", "plans"} and not folders & {"methods"}:
        return "plan"
    plan_score = len(set(data) & set(_keys(Plan)))
    method_score = len(set(data) & set(_keys(Method)))
    return "plan" if plan_score > method_score else "method"


def _misplaced(data: dict[str, Any], kind: Kind, path: Path) -> Problem | None:
    if kind == "method" and "days" in data and "steps" not in data:
        return Problem(
            path,
            None,
            "",
            "looks like a session plan (it has days), not a method: move it to a sessions folder",
            code="misplaced",
        )
    if kind == "plan" and "steps" in data and "days" not in data:
        return Problem(
            path,
            None,
            "",
            "looks like a method (it has steps), not a session plan: move it to a methods folder",
            code="misplaced",
        )
    return None


def _check_method(source: _Source) -> tuple[Method | None, list[Problem]]:
    try:
        method = Method.model_validate(source.data)
    except ValidationError as error:
        return None, _problems_from_validation(error, Method, source)
    problems = []
    stem = source.path.stem
    if method.id != stem:
        problems.append(
            Problem(
                source.path,
                source.lines.line(("id",)),
                "id",
                f"id '{method.id}' does not match the file name '{source.path.name}' "
                f'(expected id = "{stem}", or rename the file to {method.id}.toml)',
                code="id",
            )
        )
    for loc, message in method_problems(method):
        if loc == ("steps",) or "scale" in loc:
            code = "timing"
        elif loc[:1] == ("sources",):
            code = "licence"
        else:
            code = "variable" if loc[-1:] == ("prompt",) else "reference"
        problems.append(
            Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code)
        )
    return method, problems


def _method_warnings(source: _Source, method: Method) -> tuple[list[Problem], list[Problem]]:
    """(warnings, notes): timings that disagree, unexplained and explained."""
    warnings: list[Problem] = []
    notes: list[Problem] = []
    for loc, message, explained in method_warnings(method):
        problem = Problem(
            source.path, source.lines.line(loc), field_path(loc), message, code="timing"
        )
        (notes if explained else warnings).append(problem)
    return warnings, notes


def _check_plan_schema(source: _Source) -> tuple[Plan | None, list[Problem]]:
    data = dict(source.data)
    stem = source.path.stem
    injected = "id" not in data
    if injected:
        data["id"] = stem
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        return None, _problems_from_validation(error, Plan, source, injected_id=injected)
    if plan.id != stem:
        return plan, [
            Problem(
                source.path,
                source.lines.line(("id",)),
                "id",
                f"id '{plan.id}' does not match the file name '{source.path.name}' "
                f'(expected id = "{stem}", remove the id line, '
                f"or rename the file to {plan.id}.toml)",
                code="id",
            )
        ]
    return plan, []

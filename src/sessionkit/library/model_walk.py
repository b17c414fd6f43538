"""Following a pydantic error location through the model classes that raised it."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sessionkit.library.toml_lines import Loc


@dataclass
class _Union:
    """A discriminated union met while walking a pydantic loc."""

    discriminator: str
    members: dict[str, type[BaseModel]]


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _field_info(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _tag_of(model: type[BaseModel], discriminator: str) -> str | None:
    info = model.model_fields.get(discriminator)
    if info is None:
        return None
    args = typing.get_args(_unwrap(info.annotation))
    return args[0] if args else None


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, type[BaseModel] | None, Any]:
    """Follow a pydantic error ``loc`` through the model classes.

    Returns the path as written in the TOML file (without the union tags pydantic
    inserts, such as ``'notes'`` in ``steps.0.input.notes.categories``, and without
    ``'[key]'`` markers), the model class that owns the last key, and the annotation
    (or :class:`_Union`) reached at the end (None when the walk left the models).
    """
    clean: list[str | int] = []
    owner: type[BaseModel] | None = None
    current: Any = model
    for part in loc:
        if part == "[key]":
            continue
        current = _unwrap(current) if not isinstance(current, _Union) else current
        if isinstance(current, _Union) and isinstance(part, str) and part in current.members:
            current = current.members[part]
            continue
        if _is_model(current) and isinstance(part, str):
            owner = current
            clean.append(part)
            info = _field_info(current, part)
            if info is None:
                current = None
            elif info.discriminator and isinstance(info.discriminator, str):
                members = [a for a in typing.get_args(_unwrap(info.annotation)) if _is_model(a)]
                current = _Union(
                    info.discriminator,
                    {tag: m for m in members if (tag := _tag_of(m, info.discriminator))},
                )
            else:
                current = info.annotation
            continue
        origin = typing.get_origin(current)
        clean.append(part)
        if origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            current = None
    return tuple(clean), owner, current


def _literal_values(annotation: Any) -> list[str]:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(m.value) for m in annotation]
    return []

"""The input kinds a step can collect, one module each, and the registry of them.

To add a kind, write ``inputs/<kind>.py`` ending with ``KIND = InputKind(...)`` (see
:mod:`.base`): every module of this package that defines ``KIND`` is a kind, found when
the package is first imported. Everything else that depends on the list of kinds (the
step-input union, the commands, which of them phones may send, the engine's dispatch,
the fold, the loader's known keys) is derived here. The adapters each keep one
table keyed by kind, and ``tests/test_input_kinds.py`` fails when one lacks an entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from sessionkit.core.command import Command
from sessionkit.core.inputs.base import Fold, InputKind, InputSpec, Rule, RuleContext


def _discover() -> dict[str, InputKind]:
    found: list[InputKind] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, InputKind):
            found.append(kind)
    found.sort(key=lambda kind: (kind.order, kind.name))
    kinds: dict[str, InputKind] = {}
    for kind in found:
        assert kind.name not in kinds, f"two input kinds are called {kind.name!r}"
        kinds[kind.name] = kind
    return kinds


KINDS: dict[str, InputKind] = _discover()
"""Every input kind by name, in the order authors are shown them (``InputKind.order``)."""

if TYPE_CHECKING:
    StepInput = InputSpec
else:
    StepInput = Annotated[
        Union[tuple(kind.spec for kind in KINDS.values())],  # noqa: UP007 (built at run time)
        Field(discriminator="kind"),
    ]
"""A step's ``input`` table: one of the kinds' specs, chosen by its ``kind`` key."""


def kind_commands() -> tuple[type[Command], ...]:
    """Every command the kinds define, in registry order."""
    return tuple(command for kind in KINDS.values() for command in kind.commands)


def kind_participant_commands() -> tuple[type[Command], ...]:
    return tuple(command for kind in KINDS.values() for command in kind.participant_commands)


def kind_rules() -> dict[str, Rule]:
    """Command type -> rule, over every kind; a type defined twice is a bug, caught here."""
    rules: dict[str, Rule] = {}
    for kind in KINDS.values():
        for command, rule in kind.rules.items():
            name = command.type_name()
            assert name not in rules, f"command {name!r} is defined by two input kinds"
            rules[name] = rule
    return rules


def kind_folds() -> dict[str, Fold]:
    folds: dict[str, Fold] = {}
    for kind in KINDS.values():
        for event_type, fold in kind.folds.items():
            assert event_type not in folds, f"event {event_type!r} is folded by two input kinds"
            folds[event_type] = fold
    return folds


def spec_keys() -> set[str]:
    """Every key any kind's input table accepts (the loader's "did you mean" hints)."""
    return {key for kind in KINDS.values() for key in kind.spec.model_fields}


__all__ = [
    "KINDS",
    "Fold",
    "InputKind",
    "InputSpec",
    "Rule",
    "RuleContext",
    "StepInput",
    "kind_commands",
    "kind_folds",
    "kind_participant_commands",
    "kind_rules",
    "spec_keys",
]

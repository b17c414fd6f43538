"""Every input kind is one module in core/inputs, and every adapter has an entry for it.

A kind with no entry in an adapter's table would fail silently (a step whose board, phone
screen or record section is simply missing), so each table is checked against the
registry here, and a dummy kind shows that the check finds each gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pytest

from sessionkit.core import commands as c
from sessionkit.core import inputs
from sessionkit.core.groups import GROUP_COMMANDS
from sessionkit.core.inputs import KINDS, InputKind, InputSpec
from sessionkit.core.redaction import REDACTION_COMMANDS
from sessionkit.export import html, markdown
from sessionkit.tui import board_model
from sessionkit.web import views


def phone_screens() -> dict[str, str]:
    """The keys of the phone page's ``SCREENS`` table in app.js (a JS object literal)."""
    script = (Path(views.__file__).parent / "static" / "app.js").read_text(encoding="utf-8")
    block = re.search(r"var SCREENS = \{\n(.*?)\n  \};", script, re.S)
    assert block, "app.js has no SCREENS table"
    return {key: key for key in re.findall(r"^    ([a-z_]+):", block.group(1), re.M)}


def adapter_tables() -> dict[str, Mapping[str, Any]]:
    """Each adapter's table keyed by input kind, by a name that says where it is."""
    return {
        "export.markdown.SECTIONS": markdown.SECTIONS,
        "export.html.SECTIONS": html.SECTIONS,
        "web.views.KIND_VIEWS": views.KIND_VIEWS,
        "web/static/app.js SCREENS": phone_screens(),
        "tui.board_model.BOARDS": board_model.BOARDS,
    }


def gaps(kinds: Mapping[str, InputKind]) -> dict[str, set[str]]:
    """Table name -> the kinds it lacks (and, as ``+name``, entries for no kind)."""
    out: dict[str, set[str]] = {}
    for name, table in adapter_tables().items():
        missing = set(kinds) - set(table)
        extra = {f"+{k}" for k in set(table) - set(kinds)}
        if missing or extra:
            out[name] = missing | extra
    return out


def test_every_adapter_table_has_every_registered_kind() -> None:
    assert gaps(KINDS) == {}


class DummyInput(InputSpec):
    kind: Literal["dummy"]


def test_a_new_kind_is_reported_missing_from_every_adapter_table() -> None:
    dummy = InputKind(name="dummy", spec=DummyInput)
    found = gaps({**KINDS, "dummy": dummy})
    assert set(found) == set(adapter_tables())
    assert all(missing == {"dummy"} for missing in found.values())


def test_the_registry_derives_the_unions_from_the_kinds() -> None:
    assert list(KINDS) == [
        "notes",
        "vote",
        "cluster",
        "rating",
        "canvas",
        "discussion",
        "words",
        "questions",
        "actions",
        "sort",
        "rank",
        "requests",
        "review",
    ]
    commands = {command for kind in KINDS.values() for command in kind.commands}
    # groups (core/groups.py) are a step option, not an input kind, and redaction
    # (core/redaction.py) works on every kind's text: their commands are listed beside
    # the session's
    assert commands == (
        set(c.ALL_COMMANDS)
        - set(c.SESSION_COMMANDS)
        - set(GROUP_COMMANDS)
        - set(REDACTION_COMMANDS)
    )
    participant = {command for kind in KINDS.values() for command in kind.participant_commands}
    assert set(c.PARTICIPANT_COMMANDS) == participant | {c.Join, c.PickNote}
    assert participant <= commands


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_describes_itself_and_folds_only_its_own_events(name: str) -> None:
    kind = KINDS[name]
    assert kind.spec.model_fields["kind"].annotation == Literal[name]  # type: ignore[valid-type]  # the tag is the name
    others = {e for k in KINDS.values() if k is not kind for e in k.folds}
    assert not set(kind.folds) & others
    assert set(inputs.kind_folds()) >= set(kind.folds)

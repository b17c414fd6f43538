"""Every bundled method, walked from its first step to its last by a simulated room.

Six people join from phones; on every step they (and the facilitator, where only the
facilitator can) do what the step's kind collects (see tests/helpers/participants.py).
Each step must then hold what it says it collects, and every vote, sort and rank must
have found items to work on. Parametrised by method id, so a method added to methods/
is walked too.
"""

from __future__ import annotations

import pytest
from tests.factories import FakeClock
from tests.helpers.participants import CARRIED, SIMULATE, join_room, walk

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.canvas import CanvasInput
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.library import load_library

LIBRARY = load_library(config=False, cwd=False)
METHODS = sorted(LIBRARY.methods)
PEOPLE = 6


def one_item_plan(method: Method) -> Plan:
    """The method as the only item of a day, in a room that says its roles and tables
    (a step may group people by either)."""
    return Plan.model_validate(
        {
            "id": f"walk-{method.id}",
            "title": f"Walking {method.name}",
            "join_roles": ["Housing", "Health", "Lived experience"],
            "tables": 2,
            "days": [{"start": "09:30", "end": "17:00", "agenda": [{"method": method.id}]}],
        }
    )


def test_the_bundled_library_has_methods_and_every_kind_a_simulated_participant() -> None:
    assert len(METHODS) >= 20, METHODS
    kinds = {step.input.kind for m in LIBRARY.methods.values() for step in m.steps}
    assert kinds <= set(SIMULATE), f"no simulated participant for {kinds - set(SIMULATE)}"


@pytest.mark.parametrize("method_id", METHODS)
def test_a_room_walks_every_step_of(method_id: str) -> None:
    method = LIBRARY.methods[method_id]
    # A review step reviews what a series carried in: give it an earlier run's actions.
    reviews = any(step.input.kind == "review" for step in method.steps)
    engine = Engine(
        one_item_plan(method),
        {method.id: method},
        clock=FakeClock(),
        series="walk" if reviews else None,
        carried=CARRIED if reviews else (),
    )
    room = join_room(engine, PEOPLE)
    try:
        walked = walk(room)
    except AssertionError as error:
        pytest.fail(f"method '{method_id}': {error}")
    assert [w.step_id for w in walked] == [s.id for s in method.steps]
    for w in walked:
        where = f"method '{method_id}', step '{w.step_id}' ({w.kind})"
        assert w.collected > 0, f"{where} collected nothing"
        if w.items is not None:
            assert w.items > 0, f"{where} found no items to work on"
        spec = engine.spec_at(w.key)
        if isinstance(spec, CanvasInput):  # every note is placed on the canvas
            places = {r.id for r in spec.note_regions()}
            regions = {n.region for n in engine.state.notes_in(w.key)}
            assert regions <= places and None not in regions, f"{where}: {regions}"


def test_a_step_that_cannot_be_walked_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    method = LIBRARY.methods["check-in"]
    engine = Engine(one_item_plan(method), {method.id: method}, clock=FakeClock())
    room = join_room(engine, PEOPLE)
    notes = SIMULATE["notes"]

    def shut(room, key, spec):  # the facilitator paused input: nothing can be written
        from sessionkit.core import commands as c

        room.do(c.LockInput())
        return notes(room, key, spec)

    monkeypatch.setitem(SIMULATE, "notes", shut)
    with pytest.raises(AssertionError) as raised:
        walk(room)
    assert "step 'on-my-mind' (notes) could not be walked" in str(raised.value)
    assert "paused input" in str(raised.value)

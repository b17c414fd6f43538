"""Groups on the phone API: "you are in group C with ...", the group's shared list,
picking a note, and what a phone may not do for another group."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from factories import make_method, make_plan, step
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core import groups
from sessionkit.core.engine import Engine
from sessionkit.library import load_library
from sessionkit.web import create_app
from test_web import TOKEN, cid, error_of, fast_limits, join

API = f"/j/{TOKEN}/api"
METHODS_DIR = Path(__file__).resolve().parent.parent / "methods"
ALONE, PAIRS, FOURS, ALL = range(4)


def one_two_four_all(folder: Path = METHODS_DIR) -> Engine:
    library = load_library(
        [], [], [folder / "1-2-4-all.toml"], config=False, bundled=False, cwd=False
    )
    method = library.methods["1-2-4-all"]
    return Engine(make_plan([{"method": method.id}]), {method.id: method}, run_id="web-groups")


@pytest.fixture
def engine() -> Engine:
    return one_two_four_all()


@pytest.fixture
async def client(engine: Engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://phone") as http:
        yield http


async def state_of(client: httpx.AsyncClient, headers: dict) -> dict:
    response = await client.get(f"{API}/state", headers=headers)
    assert response.status_code == 200
    return response.json()


async def test_phones_see_their_group_and_share_one_list(client, engine):
    people = {name: await join(client, name) for name in ("Ana", "Bo", "Cy", "Di")}
    engine.execute(c.StartSession())
    engine.execute(c.GoTo(item=0, step=PAIRS))
    (pid, headers) = people["Ana"]
    group = groups.group_of(engine.state, "0.1", pid)
    assert group is not None
    partner = next(n for n, (p, _) in people.items() if p in group.members and p != pid)
    view = await state_of(client, headers)
    assert view["public"]["input"]["grouped"] is True
    assert view["public"]["notes"] == []  # each phone gets its own group's list
    assert view["me"]["group"]["label"] == group.label
    assert view["me"]["group"]["with_names"] == [partner]
    assert view["me"]["group"]["pick"] is True

    added = await client.post(
        f"{API}/notes", headers=headers, json={"text": "Our idea", "client_id": cid()}
    )
    assert added.status_code == 201, added.text
    note = added.json()["note"]
    _, partner_headers = people[partner]
    seen = await state_of(client, partner_headers)
    assert [n["text"] for n in seen["me"]["notes"]] == ["Our idea"]
    assert seen["me"]["notes_left"] == 3
    edited = await client.patch(
        f"{API}/notes/{note}",
        headers=partner_headers,
        json={"text": "Our idea, rewritten", "client_id": cid()},
    )
    assert edited.status_code == 200, edited.text
    picked = await client.post(
        f"{API}/command",
        headers=partner_headers,
        json={"type": "pick_note", "note": note, "client_id": cid()},
    )
    assert picked.status_code == 201, picked.text
    mine = await state_of(client, headers)
    assert mine["me"]["group"]["picked"] == note
    assert [n["text"] for n in mine["me"]["notes"]] == ["Our idea, rewritten"]

    outsider = next(h for n, (p, h) in people.items() if p not in group.members)
    refused = await client.patch(f"{API}/notes/{note}", headers=outsider, json={"text": "Mine now"})
    assert refused.status_code == 403
    assert error_of(refused) == "You can only edit your own notes and your group's."
    other = await client.post(
        f"{API}/command",
        headers=outsider,
        json={"type": "pick_note", "note": note, "client_id": cid()},
    )
    assert other.status_code == 403
    assert error_of(other) == "That note is not one of your group's."
    reform = await client.post(f"{API}/command", headers=outsider, json={"type": "reform_groups"})
    assert reform.status_code == 403


async def test_an_anonymous_step_names_nobody(tmp_path: Path):
    # The same method with anonymous pairs: a phone is told its letter and size only.
    text = (METHODS_DIR / "1-2-4-all.toml").read_text(encoding="utf-8")
    (tmp_path / "1-2-4-all.toml").write_text(text.replace("anonymous = false", "anonymous = true"))
    engine = one_two_four_all(tmp_path)
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://phone")
    engine.execute(c.StartSession())
    people = [await join(client, name) for name in ("Ana", "Bo", "Cy")]
    view = await state_of(client, people[0][1])
    assert "group" not in view["me"]  # the solo round
    engine.execute(c.GoTo(item=0, step=PAIRS))
    view = await state_of(client, people[0][1])
    assert view["me"]["group"]["with_names"] is None
    assert view["me"]["group"]["size"] == 3  # three people: one pair with one over
    await client.aclose()


async def test_the_room_step_shows_one_idea_per_four(client, engine):
    people = [await join(client, f"P{n}") for n in range(8)]
    engine.execute(c.StartSession())
    engine.execute(c.GoTo(item=0, step=PAIRS))
    engine.execute(c.GoTo(item=0, step=FOURS))
    fours = groups.current(engine.state, "0.2")
    assert len(fours) == 2
    headers = dict(people)
    picked = []
    for four in fours:
        ids = []
        for n in range(2):
            response = await client.post(
                f"{API}/notes",
                headers=headers[four.members[0]],
                json={"text": f"{four.label} idea {n}", "client_id": cid()},
            )
            ids.append(response.json()["note"])
        await client.post(
            f"{API}/command",
            headers=headers[four.members[1]],
            json={"type": "pick_note", "note": ids[0], "client_id": cid()},
        )
        picked.append(f"{four.label} idea 0")
    engine.execute(c.GoTo(item=0, step=ALL))
    view = await state_of(client, people[0][1])
    assert sorted(n["text"] for n in view["public"]["notes"]) == sorted(picked)


async def test_the_other_members_get_their_new_part_on_the_stream(engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://phone") as client:
        people = [await join(client, name) for name in ("Ana", "Bo", "Cy", "Di")]
        engine.execute(c.StartSession())
        engine.execute(c.GoTo(item=0, step=PAIRS))
        writer, headers = people[0]
        group = groups.group_of(engine.state, "0.1", writer)
        assert group is not None
        partner = next(m for m in group.members if m != writer)
        outsider = next(p for p, _ in people if p not in group.members)
        hub = app.state.context.hub
        streams = {pid: hub.connect(pid) for pid, _ in people}
        # The step change's own notice goes out after a short delay: let it go first, so
        # what the streams hold afterwards is only what the note caused.
        await until(lambda: hub._flush_handle is None, "the step change's notice")
        for connection in streams.values():
            connection.pending = connection.pending_me = None
        added = await client.post(
            f"{API}/notes", headers=headers, json={"text": "For us", "client_id": cid()}
        )
        assert added.status_code == 201
        assert [n["text"] for n in added.json()["me"]["notes"]] == ["For us"]  # the writer's
        pushed = streams[partner].pending_me
        assert pushed is not None and pushed.startswith(b"event: me\ndata: ")
        assert b'"text":"For us"' in pushed
        assert streams[writer].pending_me is None  # the answer already carried it
        assert streams[outsider].pending_me is None and streams[outsider].pending is None


@pytest.mark.parametrize("anonymous", [True, False])
async def test_a_grouped_discussion_names_the_group_only_when_it_says_so(anonymous: bool):
    # Troika Consulting's trios talk, writing nothing: anonymous = false lets the phones
    # say who is together, so the three can find each other in a busy room.
    method = make_method(
        "talk-in-threes",
        [step("talk", {"kind": "discussion", "anonymous": anonymous}, groups={"size": 3})],
    )
    engine = Engine(make_plan([{"method": method.id}]), {method.id: method}, run_id="trios")
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://phone"
    ) as client:
        people = [await join(client, name) for name in ("Ana", "Bo", "Cy")]
        engine.execute(c.StartSession())
        view = await state_of(client, people[0][1])
    named = view["me"]["group"]["with_names"]
    if anonymous:
        assert named is None and view["me"]["group"]["size"] == 3
    else:
        assert sorted(named) == ["Bo", "Cy"]

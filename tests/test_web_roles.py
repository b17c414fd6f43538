"""The phone's join asks for a role and a table when the plan declares them: the page
carries them, the join records them, and a role the plan does not offer is a 4xx whose
message the phone shows."""

from __future__ import annotations

import html
import json

import httpx
import pytest

from factories import make_plan
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.tui.sample import sample_methods
from sessionkit.web import create_app
from test_web import TOKEN, cid, error_of, fast_limits

API = f"/j/{TOKEN}/api"
ROLES = ["Housing", "Health <b>& care</b>"]


@pytest.fixture
def engine() -> Engine:
    base = make_plan([{"talk": "Welcome", "minutes": 5}])
    plan = Plan.model_validate({**base.model_dump(), "join_roles": ROLES, "tables": 4})
    return Engine(plan, sample_methods(), run_id="web-roles")


@pytest.fixture
async def client(engine: Engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://phone") as http:
        yield http


async def test_the_page_carries_the_roles_and_tables_escaped(client):
    page = (await client.get(f"/j/{TOKEN}")).text
    assert f'data-roles="{html.escape(json.dumps(ROLES))}"' in page
    assert 'data-tables="4"' in page
    assert "<b>& care</b>" not in page  # a role is data, never markup


async def test_join_with_a_role_and_a_table(client, engine):
    response = await client.post(
        f"{API}/join",
        json={"name": "Ann", "role": "Housing", "table": 3, "client_id": cid() + "-join"},
    )
    assert response.status_code == 201, response.text
    person = engine.state.participants[response.json()["participant"]]
    assert (person.role, person.table) == ("Housing", 3)
    quiet = await client.post(
        f"{API}/join", json={"role": "Prefer not to say", "client_id": cid() + "-join"}
    )
    assert quiet.status_code == 201
    assert engine.state.participants[quiet.json()["participant"]].role is None


async def test_an_unknown_role_or_table_is_refused_with_a_message_and_joins_nobody(client, engine):
    response = await client.post(
        f"{API}/join", json={"role": "Police", "client_id": cid() + "-join"}
    )
    assert response.status_code == 422
    assert error_of(response).startswith("'Police' is not one of this session's roles")
    assert "Housing" in error_of(response)
    response = await client.post(f"{API}/join", json={"table": 9, "client_id": cid() + "-join"})
    assert response.status_code == 422
    assert "There is no table 9" in error_of(response)
    response = await client.post(
        f"{API}/join", json={"table": "three", "client_id": cid() + "-join"}
    )
    assert response.status_code == 422
    assert "'table' must be a whole number" in error_of(response)
    assert not engine.state.participants
    # the same phone, corrected, joins with the same client id
    again = cid() + "-join"
    first = await client.post(f"{API}/join", json={"role": "Police", "client_id": again})
    assert first.status_code == 422
    second = await client.post(f"{API}/join", json={"role": "Housing", "client_id": again})
    assert second.status_code == 201, second.text

"""Joining over HTTP: closed after the end, bans that survive a phone forgetting its key,
and a new join token that keeps the phones already in.

An ``httpx.AsyncClient`` keeps cookies the way a browser does, so one client is one
browser (one device) and a second client is another. The app runs in the test's loop
(ASGITransport), as in tests/test_web.py, whose session plan this borrows.
"""

from __future__ import annotations

import httpx
import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web import create_app, rotate_token
from sessionkit.web.guards import DEVICE_COOKIE
from test_web import OPEN, TOKEN, cid, error_of, fast_limits, goto, make_engine

NEW_TOKEN = "second-token-5678"


@pytest.fixture
def engine() -> Engine:
    engine = make_engine()
    goto(engine, OPEN)
    return engine


@pytest.fixture
def app(engine: Engine):
    return create_app(engine, token=TOKEN, limits=fast_limits())


def browser(app) -> httpx.AsyncClient:
    """A phone's browser: its own cookie jar."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://phone")


async def try_join(phone: httpx.AsyncClient, token: str = TOKEN, name: str = "Ann"):
    """A join from a phone that remembers nothing but what its browser keeps (cookies):
    a fresh client id each time, as after "Join again" or clearing the page's storage."""
    return await phone.post(
        f"/j/{token}/api/join", json={"name": name, "client_id": cid() + "-join-again"}
    )


async def post_note(phone: httpx.AsyncClient, key: str, token: str = TOKEN, text: str = "x"):
    return await phone.post(
        f"/j/{token}/api/notes",
        json={"text": text, "client_id": cid()},
        headers={"X-Participant-Key": key},
    )


# ---------------------------------------------------------------- closed joining


async def test_joining_after_the_end_is_refused_with_a_message_until_reopened(app, engine):
    engine.execute(c.EndSession())
    async with browser(app) as phone:
        late = await try_join(phone)
        assert late.status_code == 403 and late.json()["code"] == "closed"
        assert "The session has ended" in error_of(late)
        assert not engine.state.participants
        engine.execute(c.SetJoining(open=True))
        again = await try_join(phone)
        assert again.status_code == 201, again.text


async def test_joining_closed_before_the_end_says_so_and_members_carry_on(app, engine):
    async with browser(app) as ann, browser(app) as bo:
        key = (await try_join(ann)).json()["key"]
        engine.execute(c.SetJoining(open=False))
        refused = await try_join(bo, name="Bo")
        assert refused.status_code == 403
        assert "Joining is closed for now" in error_of(refused)
        assert (await post_note(ann, key)).status_code == 201


# ---------------------------------------------------------------- bans


async def test_the_join_sets_a_long_lived_private_device_cookie(app, engine):
    async with browser(app) as phone:
        joined = await try_join(phone)
    cookie = joined.headers["set-cookie"]
    assert cookie.startswith(f"{DEVICE_COOKIE}=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/" in lowered
    assert "max-age=34560000" in lowered
    device = phone.cookies[DEVICE_COOKIE]
    person = engine.state.participants[joined.json()["participant"]]
    # The record keeps a hash, never the cookie itself.
    assert person.device and person.device != device
    assert device not in str([e.model_dump() for e in engine.history])


async def test_a_ban_survives_a_new_client_id_from_the_same_browser(app, engine):
    async with browser(app) as phone, browser(app) as other_browser:
        first = await try_join(phone)
        pid, key = first.json()["participant"], first.json()["key"]
        engine.execute(c.RemoveParticipant(participant=pid))
        assert (await post_note(phone, key)).json()["code"] == "removed"

        # "Join again": the page forgot its key and makes a new client id; the browser
        # still sends its device cookie.
        again = await try_join(phone)
        assert again.status_code == 403 and again.json()["code"] == "banned"
        assert "cannot join again" in error_of(again)
        assert len(engine.state.participants) == 1

        # Another browser is another device (the documented limit of a ban).
        assert (await try_join(other_browser, name="Bo")).status_code == 201

        engine.execute(c.LetBackIn(participant=pid))
        back = await try_join(phone)
        assert back.status_code == 201
        assert back.json()["participant"] != pid
        assert (await post_note(phone, back.json()["key"])).status_code == 201


async def test_a_malformed_device_cookie_is_replaced(app, engine):
    async with browser(app) as phone:
        phone.cookies.set(DEVICE_COOKIE, "<script>", domain="phone")
        joined = await try_join(phone)
        assert joined.status_code == 201
        assert f"{DEVICE_COOKIE}=" in joined.headers["set-cookie"]
        assert "<script>" not in joined.headers["set-cookie"]


async def test_the_same_browser_is_a_different_hash_in_another_run(app, engine):
    other = make_engine()
    goto(other, OPEN)
    other_app = create_app(other, token=TOKEN, limits=fast_limits())
    async with browser(app) as phone:
        await try_join(phone)
        device = phone.cookies[DEVICE_COOKIE]
        async with browser(other_app) as same_browser:
            same_browser.cookies.set(DEVICE_COOKIE, device, domain="phone")
            await try_join(same_browser)
    here = engine.state.participants["p1"].device
    there = other.state.participants["p1"].device
    assert here and there and here != there


# ---------------------------------------------------------------- a new join token


async def test_after_a_new_token_the_old_cannot_join_but_members_keep_posting(app, engine):
    async with browser(app) as ann, browser(app) as newcomer:
        key = (await try_join(ann)).json()["key"]
        rotate_token(app, NEW_TOKEN)

        # Ann's phone still uses the address it joined at: notes, its view, a reload.
        assert (await post_note(ann, key, text="after the new code")).status_code == 201
        view = await ann.get(f"/j/{TOKEN}/api/state", headers={"X-Participant-Key": key})
        assert view.status_code == 200
        assert (await ann.get(f"/j/{TOKEN}")).status_code == 200
        # Her key works at the new address too.
        assert (await post_note(ann, key, NEW_TOKEN)).status_code == 201

        old = await try_join(newcomer, TOKEN, "Cy")
        assert old.status_code == 410 and old.json()["code"] == "old_token"
        assert "no longer valid; scan the new code" in error_of(old)
        assert (await try_join(newcomer, NEW_TOKEN, "Cy")).status_code == 201
        # A token this run never had is still nothing at all.
        assert (await try_join(newcomer, "never-a-token-9", "Di")).status_code == 404
    assert [n.text for n in engine.state.notes.values()] == ["after the new code", "x"]


async def test_retired_tokens_handed_in_at_start_serve_members_only(engine):
    app = create_app(engine, token=NEW_TOKEN, retired=(TOKEN,), limits=fast_limits())
    async with browser(app) as phone:
        assert (await try_join(phone, TOKEN)).status_code == 410
        key = (await try_join(phone, NEW_TOKEN)).json()["key"]
        assert (await post_note(phone, key, TOKEN)).status_code == 201
    with pytest.raises(ValueError, match="join token"):
        create_app(engine, token=NEW_TOKEN, retired=("bad token!",))
    with pytest.raises(ValueError, match="join token"):
        rotate_token(app, "short")

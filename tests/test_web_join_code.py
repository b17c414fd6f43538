"""The short join code, typed at the server's root page: joining by it, its messages, a
new join token making a new code, and the limit on wrong codes (per address and overall).

The root page is a plain form (no script), so httpx speaks to it as a browser would:
``POST /`` with ``code=...``, then follows the 303 to the phone page. Wrong-code limits
use a clock the test moves, never real waiting.
"""

from __future__ import annotations

import httpx
import pytest

from sessionkit.core.engine import Engine
from sessionkit.netaddr import JOIN_CODE_ALPHABET, join_code, spaced_code
from sessionkit.web import create_app, rotate_token
from test_web import OPEN, TOKEN, cid, fast_limits, goto, make_engine

NEW_TOKEN = "second-token-5678"


@pytest.fixture
def engine() -> Engine:
    engine = make_engine()
    goto(engine, OPEN)
    return engine


@pytest.fixture
def app(engine: Engine):
    return create_app(engine, token=TOKEN, limits=fast_limits())


def phone(app, address: str = "10.0.0.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://laptop:8765")


async def type_code(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await client.post("/", data={"code": code})


def wrong_code() -> str:
    right = join_code(TOKEN)
    return next(ch * 6 for ch in JOIN_CODE_ALPHABET if ch * 6 not in (right, join_code(NEW_TOKEN)))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fake_clock(app) -> Clock:
    clock = Clock()
    door = app.state.context.door
    door.per_address.clock = door.overall.clock = clock
    return clock


def test_the_code_is_six_unmistakable_characters_and_follows_the_token() -> None:
    code = join_code(TOKEN)
    assert len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0OQ1IL2Z5S8BU") & set(JOIN_CODE_ALPHABET)
    assert join_code(TOKEN) == code  # the same token (a resumed run): the same code
    assert join_code(NEW_TOKEN) != code
    assert spaced_code("ACD479") == "ACD 479"


async def test_joins_by_the_short_code_typed_at_the_root_page(app, engine) -> None:
    async with phone(app) as browser:
        form = await browser.get("/")
        assert form.status_code == 200
        assert 'name="code"' in form.text and '<label for="code">Join code</label>' in form.text
        assert "form-action 'self'" in form.headers["content-security-policy"]
        # Typed as people type it: small letters, a space in the middle.
        typed = spaced_code(join_code(TOKEN)).lower()
        answer = await type_code(browser, typed)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"j/{TOKEN}"
        page = await browser.get(str(answer.next_request.url) if answer.next_request else "")
        assert page.status_code == 200 and "join-form" in page.text
        joined = await browser.post(
            f"/j/{TOKEN}/api/join", json={"name": "Ann", "client_id": cid() + "-by-code"}
        )
        assert joined.status_code == 201, joined.text
    assert [p.name for p in engine.state.participants.values()] == ["Ann"]


async def test_a_wrong_code_says_what_was_wrong_and_keeps_what_was_typed(app) -> None:
    async with phone(app) as browser:
        wrong = await type_code(browser, wrong_code())
        assert wrong.status_code == 404
        assert "not the code of the session running here" in wrong.text
        assert 'aria-invalid="true"' in wrong.text and "<title>Error: " in wrong.text
        assert f'value="{wrong_code()}"' in wrong.text
        short = await type_code(browser, "ACD")
        assert short.status_code == 404 and "has 6 letters and numbers; that was 3" in short.text
        empty = await type_code(browser, "  ")
        assert empty.status_code == 422 and "Type the join code first" in empty.text
        hostile = await type_code(browser, '"><script>x</script>')
        assert hostile.status_code == 404 and "<script>x" not in hostile.text
        huge = await browser.post("/", content=b"code=" + b"A" * 5000)
        assert huge.status_code == 422
        binary = await browser.post("/", content=b"code=\xff\xfe")
        assert binary.status_code == 404


async def test_a_new_join_token_makes_a_new_code_and_the_old_one_stops_working(app) -> None:
    rotate_token(app, NEW_TOKEN)
    async with phone(app) as browser:
        old = await type_code(browser, join_code(TOKEN))
        assert old.status_code == 410 and "no longer in use" in old.text
        new = await type_code(browser, join_code(NEW_TOKEN))
        assert new.status_code == 303 and new.headers["location"] == f"j/{NEW_TOKEN}"


async def test_wrong_codes_from_one_address_are_limited_with_a_message(app) -> None:
    clock = fake_clock(app)
    async with phone(app) as guesser, phone(app, "10.0.0.8") as neighbour:
        for _ in range(10):
            assert (await type_code(guesser, wrong_code())).status_code == 404
        limited = await type_code(guesser, wrong_code())
        assert limited.status_code == 429
        assert "Too many wrong codes have been tried from this network" in limited.text
        assert "Wait 6 seconds" in limited.text and limited.headers["retry-after"] == "6"
        # While limited even the right code is refused, so guessing teaches nothing...
        assert (await type_code(guesser, join_code(TOKEN))).status_code == 429
        # ...and other addresses are not held up.
        assert (await type_code(neighbour, join_code(TOKEN))).status_code == 303
        clock.now += 6
        assert (await type_code(guesser, join_code(TOKEN))).status_code == 303


async def test_right_codes_never_count_against_a_shared_address(app) -> None:
    fake_clock(app)
    async with phone(app) as room:  # a whole room behind one proxy address
        for _ in range(200):
            assert (await type_code(room, join_code(TOKEN))).status_code == 303


async def test_wrong_codes_from_many_addresses_are_limited_overall(app) -> None:
    clock = fake_clock(app)
    for n in range(6):
        async with phone(app, f"10.0.1.{n}") as guesser:
            for _ in range(10):
                assert (await type_code(guesser, wrong_code())).status_code == 404
    async with phone(app, "10.0.2.1") as newcomer:
        limited = await type_code(newcomer, join_code(TOKEN))
        assert limited.status_code == 429
        assert "tried on this session just now" in limited.text
        assert limited.headers["retry-after"] == "1"
        clock.now += 1
        assert (await type_code(newcomer, join_code(TOKEN))).status_code == 303

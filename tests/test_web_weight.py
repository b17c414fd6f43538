"""What a phone downloads: the page, its script and stylesheet and its views gzipped when
the browser accepts it, the script and stylesheet kept for a year under a versioned URL,
and the event stream gzipped a message at a time (no notice held back by a compressor)."""

from __future__ import annotations

import gzip
import hashlib
import re
from importlib import resources

import httpx
import pytest

from helpers.waiting import SAFETY_SECONDS, start_server
from sessionkit.core import commands as c
from sessionkit.core.state import NEWCOMER
from sessionkit.web import create_app
from test_web import API, OPEN, TOKEN, fast_limits, goto, join, make_engine, read_event

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def static_text(name: str) -> bytes:
    return (resources.files("sessionkit.web") / "static" / name).read_bytes()


def version_of(name: str) -> str:
    return hashlib.sha256(static_text(name)).hexdigest()[:16]


@pytest.fixture
async def http():
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://phone"
    ) as client:
        client.engine = engine  # type: ignore[attr-defined]
        yield client


async def wire(http: httpx.AsyncClient, url: str, headers: dict) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (httpx would otherwise decompress it)."""
    async with http.stream("GET", url, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


async def test_page_script_stylesheet_and_state_are_gzipped_when_asked_for(http):
    _, key = await join(http)
    engine = http.engine
    engine.execute(c.StartSession())
    goto(engine, OPEN)
    for n in range(20):  # a board worth compressing
        pid = engine.execute(c.Join(name=f"P{n}"), NEWCOMER).data["participant"]
        engine.execute(c.AddNote(text=f"Idea {n}: a shared calendar for handovers"), pid)
    page = (await http.get(f"/j/{TOKEN}", headers=PLAIN)).text
    script = re.search(r'<script src="(app\.js\?v=\w+)"', page)
    style = re.search(r'<link rel="stylesheet" href="(app\.css\?v=\w+)"', page)
    assert script and style
    urls = {
        "page": (f"/j/{TOKEN}", {}),
        "script": (f"/j/{script[1]}", {}),
        "stylesheet": (f"/j/{style[1]}", {}),
        "state": (f"{API}/state", key),
    }
    for what, (url, extra) in urls.items():
        zipped, sent = await wire(http, url, {**extra, **GZIP})
        plain, raw = await wire(http, url, {**extra, **PLAIN})
        assert zipped.status_code == plain.status_code == 200, what
        assert zipped.headers["content-encoding"] == "gzip", what
        assert "accept-encoding" in zipped.headers["vary"].lower(), what
        assert "content-encoding" not in plain.headers, what
        assert gzip.decompress(sent) == raw, what
        assert len(sent) < len(raw) / 3, (what, len(sent), len(raw))
    assert raw.startswith(b'{"public":')  # the last one is the state answer
    script_raw = (await http.get(f"/j/{script[1]}", headers=PLAIN)).content
    assert script_raw == static_text("app.js")


async def test_a_versioned_script_is_kept_for_a_year_and_the_page_is_revalidated(http):
    page = await http.get(f"/j/{TOKEN}")
    assert page.headers["cache-control"] == "no-cache"
    for name in ("app.js", "app.css"):
        version = version_of(name)
        assert f"{name}?v={version}" in page.text  # the hash of the file as it is now
        current = await http.get(f"/j/{name}", params={"v": version})
        assert current.status_code == 200
        assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert current.headers["content-type"].startswith(
            "text/javascript" if name == "app.js" else "text/css"
        )
        assert current.headers["x-content-type-options"] == "nosniff"
        # An older page's URL, or none: the current file, but asked for again next time.
        for params in ({"v": "0123456789abcdef"}, {}):
            other = await http.get(f"/j/{name}", params=params)
            assert other.status_code == 200 and other.content == current.content
            assert other.headers["cache-control"] == "no-cache"
        etag = current.headers["etag"]
        again = await http.get(f"/j/{name}", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
    # Asked for as /j/{token}/, the page links one level up, to the same files.
    slash = (await http.get(f"/j/{TOKEN}/")).text
    assert f'src="../app.js?v={version_of("app.js")}"' in slash


@pytest.mark.parametrize("coding", ["gzip", "identity"])
async def test_the_event_stream_is_gzipped_when_asked_for_and_each_notice_arrives_alone(
    coding: str,
):
    """Each step change is read before the next is made: a compressor buffering the
    stream would hold the small notice back and the read would never finish."""
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(urgent_delay=0.01))
    server, task = await start_server(app)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{server.port}", timeout=SAFETY_SECONDS
        ) as client:
            _, key = await join(client)
            async with client.stream(
                "GET",
                f"{API}/events",
                params={"key": key["X-Participant-Key"]},
                headers={"Accept-Encoding": coding},
            ) as stream:
                assert stream.status_code == 200
                assert stream.headers.get("content-encoding", "identity") == coding
                assert stream.headers["vary"] == "accept-encoding"
                lines = stream.aiter_lines()  # httpx un-gzips as the bytes come
                await read_event(lines, "changed")
                engine.execute(c.StartSession())
                for step in (1, 2, 3):
                    goto(engine, step)
                    seen = await read_event(
                        lines, "changed", where=lambda d, s=step: d["step"] == f"0.{s}"
                    )
                    assert seen["seq"] == engine.state.seq
            response = await client.get(f"{API}/state", headers={**key, **GZIP})
            assert response.headers["content-encoding"] == "gzip"
            assert response.json()["me"]["step"] == "0.3"
    finally:
        server.stop()
        await task

"""A new join code with a real participant server and the record on disk: the QR code on
screen changes, the old code stops letting people join, the phones already in keep
posting, and a resumed run keeps the new code (and the phones joined with the old one).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from sessionkit import store
from sessionkit.live import Live
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.room import RoomScreen
from test_live import PUBLIC, _live, _wait_for_server


def _app(live: Live, engine) -> SessionkitApp:
    return SessionkitApp(engine=engine, serve=live.serve, new_join_code=live.new_join_code)


async def _join(phone: httpx.AsyncClient, api: str, name: str) -> httpx.Response:
    return await phone.post(f"{api}/join", json={"name": name, "client_id": f"join-{name:0>20}"})


async def _note(phone: httpx.AsyncClient, api: str, key: str, text: str) -> httpx.Response:
    return await phone.post(
        f"{api}/notes",
        json={
            "text": text,
            "category": "rose",
            "client_id": "note-" + text.replace(" ", "-").rjust(20, "0"),
        },
        headers={"X-Participant-Key": key},
    )


async def test_a_new_join_code_keeps_the_phones_in_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    live = _live(tmp_path)
    engine = live.new_run(sample_plan(), sample_methods())
    app = _app(live, engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _wait_for_server(pilot, app)
        old_url = app.join_url
        old = old_url.rsplit("/", 1)[1]
        await pilot.press("n")
        old_api = f"http://127.0.0.1:{live._server.port}/j/{old}/api"
        async with httpx.AsyncClient(timeout=5) as ann, httpx.AsyncClient(timeout=5) as bo:
            key = (await _join(ann, old_api, "Ann")).json()["key"]

            await pilot.press("C", "y")
            await pilot.pause()
            new_url = app.join_url
            assert new_url != old_url and new_url.startswith(f"{PUBLIC}/j/")
            assert isinstance(app.screen, RoomScreen)  # the new code, shown at once
            new = new_url.rsplit("/", 1)[1]
            new_api = f"http://127.0.0.1:{live._server.port}/j/{new}/api"

            assert (await _note(ann, old_api, key, "kept")).status_code == 201
            refused = await _join(bo, old_api, "Bo")
            assert refused.status_code == 410
            assert "scan the new code" in refused.json()["error"]
            assert (await _join(bo, new_api, "Bo")).status_code == 201
    live.close()

    run_folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    assert store.read_join_tokens(run_folder) == store.JoinTokens(new, (old,))

    again = _live(tmp_path)
    resumed = again.resume(run_folder.name)
    app = _app(again, resumed)
    async with app.run_test(size=(100, 30)) as pilot:
        await _wait_for_server(pilot, app)
        assert app.join_url == new_url  # the same (new) QR code after a restart
        port = again._server.port
        async with httpx.AsyncClient(timeout=5) as ann, httpx.AsyncClient(timeout=5) as cy:
            old_api = f"http://127.0.0.1:{port}/j/{old}/api"
            assert (await _note(ann, old_api, key, "after restart")).status_code == 201
            assert (await _join(cy, old_api, "Cy")).status_code == 410
    again.close()
    assert [n.text for n in resumed.state.notes.values()] == ["kept", "after restart"]

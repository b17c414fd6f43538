"""The app, the record and the phone server wired together, as `sessionkit run` does.

A real participant server on a free loopback port, a phone's requests over real HTTP,
the journal on disk; then the run is closed and resumed with the same join token.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx

from helpers.waiting import SAFETY_SECONDS, until
from sessionkit.live import TOKEN_FILE, Live, ServerOptions
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan

PUBLIC = "http://join.example.test"


def _live(records: Path, port: int = 0) -> Live:
    return Live(records, ServerOptions(host="127.0.0.1", port=port, public_url=PUBLIC))


def _app(live: Live, engine) -> SessionkitApp:
    app = SessionkitApp(
        engine=engine,
        serve=live.serve,
        new_session=live.new_run,
        resume=live.resume,
        runs=live.unfinished,
        record_warnings=live.warnings,
    )
    app.exporter = lambda fmt: live.export(app.engine, fmt)
    return app


async def _wait_for_server(pilot, app: SessionkitApp) -> None:
    await until(lambda: app.join_url, "the participant server to start")
    await pilot.pause()


async def _serve_attempted(app: SessionkitApp) -> None:
    """Wait until the app's attempt to start the participant server has finished."""
    serving = [worker for worker in app.workers if worker.name == "serve"]
    await asyncio.wait_for(app.workers.wait_for_complete(serving), SAFETY_SECONDS)


async def test_a_phone_note_is_recorded_shown_exported_and_resumed(tmp_path: Path) -> None:
    live = _live(tmp_path)
    engine = live.new_run(sample_plan(), sample_methods())
    app = _app(live, engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _wait_for_server(pilot, app)
        token = app.join_url.rsplit("/", 1)[1]
        assert app.join_url == f"{PUBLIC}/j/{token}"
        await pilot.press("n")  # start: the sample's first step collects notes
        base = f"http://127.0.0.1:{live._server.port}/j/{token}/api"
        async with httpx.AsyncClient(timeout=5) as phone:
            joined = (
                await phone.post(
                    f"{base}/join", json={"name": "Ann", "client_id": "phone-0000000000001"}
                )
            ).json()
            headers = {"X-Participant-Key": joined["key"]}
            body = {
                "text": "Handovers [b]get lost[/b]",
                "category": "thorn",
                "client_id": "note-000000000000001",
            }
            first = await phone.post(f"{base}/notes", json=body, headers=headers)
            again = await phone.post(f"{base}/notes", json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert again.json()["duplicate"] is True
        texts = [n.text for n in app.engine.state.notes.values()]
        assert texts == ["Handovers [b]get lost[/b]"]

        written = app.exporter("md")
        assert "Handovers" in written.read_text(encoding="utf-8")
    live.close()

    run_folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    journal = [
        json.loads(line)
        for line in (run_folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sum(e["type"] == "note_added" for e in journal) == 1
    kept_token = (run_folder / TOKEN_FILE).read_text(encoding="ascii")
    assert kept_token == token

    again_live = _live(tmp_path)
    resumed = again_live.resume(run_folder.name)
    assert [n.text for n in resumed.state.notes.values()] == ["Handovers [b]get lost[/b]"]
    assert again_live.join_tokens(resumed).current == token  # the same QR code after a restart
    again_live.close()


async def test_a_taken_port_is_told_and_the_run_goes_on(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        live = _live(tmp_path, port=port)
        app = _app(live, live.new_run(sample_plan(), sample_methods()))
        async with app.run_test(size=(100, 30)) as pilot:
            told = f"port {port} on 127.0.0.1 is already in use"
            await until(
                lambda: any(told in n.message for n in app._notifications),
                "the app to say the port is taken",
            )
            assert app.join_url is None
            await pilot.press("n")
            assert app.engine.state.started  # the facilitator carries on without phones
        live.close()


async def test_no_server_means_no_join_url(tmp_path: Path) -> None:
    live = Live(tmp_path, ServerOptions(enabled=False))
    app = _app(live, live.new_run(sample_plan(), sample_methods()))
    async with app.run_test(size=(100, 30)) as pilot:
        await _serve_attempted(app)
        await pilot.pause()
        assert app.join_url is None and live._server is None
    live.close()


def test_the_home_screen_takes_its_own_records_and_library_options(tmp_path, monkeypatch) -> None:
    from sessionkit.cli import build_parser
    from sessionkit.cli import run as run_cli

    seen = {}

    def fake_run_app(live, **app_args):
        seen["records"] = live.records_dir
        seen["library"] = app_args["library"]
        return 0

    monkeypatch.setattr(run_cli, "_run_app", fake_run_app)
    args = build_parser().parse_args(["--records", str(tmp_path)])
    assert run_cli.home(args) == 0
    assert seen["records"] == tmp_path
    assert "rose-thorn-bud" in seen["library"].methods


async def test_a_resumed_run_says_what_its_record_set_aside(tmp_path: Path) -> None:
    """A crash mid-write leaves a torn last line: on resuming, the facilitator is told
    (file and line), and what was acknowledged before it is all there."""
    from sessionkit.core import commands as c

    live = Live(tmp_path, ServerOptions(enabled=False))
    engine = live.new_run(sample_plan(), sample_methods())
    engine.execute(c.NextStep())
    engine.execute(c.AddNote(text="kept", category="rose"))
    folder = live._runs[id(engine)].folder
    live.close()
    with (folder / "journal.jsonl").open("ab") as journal:
        journal.write(b'{"seq":99,"at":1.0,"type":"note_ad')  # cut short by a crash
    live = Live(tmp_path, ServerOptions(enabled=False))
    resumed = live.resume(folder.name)
    assert [n.text for n in resumed.state.notes.values()] == ["kept"]
    app = _app(live, resumed)
    async with app.run_test(size=(100, 30)) as pilot:
        await _serve_attempted(app)
        await until(lambda: app._notifications, "the recovery warning to be shown")
        await pilot.pause()
        shown = [n for n in app._notifications if n.title == "The record was mended"]
        assert shown and "journal.jsonl" in shown[0].message and "line 3" in shown[0].message
    live.close()

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
import pytest

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


def _title(app: SessionkitApp) -> str:
    from sessionkit.tui.widgets.panels import TitleBar

    return str(app.screen.query_one(TitleBar).render())


async def _join_dialog(pilot, app: SessionkitApp, answer: str = "escape") -> str:
    """Press j and return the text of the dialog it opens (then ``answer`` it)."""
    from sessionkit.tui.screens.modals import Dialog

    await pilot.press("j")
    await until(lambda: isinstance(app.screen, Dialog), "the join dialog")
    text = _dialog_text(app)
    await pilot.press(answer)
    return text


async def test_a_taken_port_stays_on_screen_and_j_says_why_and_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        live = _live(tmp_path, port=port)
        app = _app(live, live.new_run(sample_plan(), sample_methods()))
        # Wide enough for the whole reason whatever the clock says: once started, the bar
        # also says how far ahead or behind the plan the run is, and that grows with the
        # hour of day the suite runs at (at 100 columns the reason gave way to "(j)").
        async with app.run_test(size=(160, 30)) as pilot:
            told = f"port {port} is in use"
            await until(
                lambda: any(told in n.message for n in app._notifications),
                "the app to say the port is taken",
            )
            assert app.join_url is None
            await pilot.pause()
            app.clear_notifications()  # the toast goes; the title bar keeps saying it
            flag = f"PHONES CANNOT JOIN: {told} (j)"
            await until(lambda: flag in _title(app), "the title bar to say phones cannot join")
            dialog = await _join_dialog(pilot, app, "n")  # no, not now
            assert f"Another program is using port {port}" in dialog
            assert "--no-server" not in dialog
            other = app.join_problem.retry_port
            assert other is not None and other != port
            assert f"Try port {other} now?" in dialog
            assert f"start it again with --port {other}" in dialog  # nothing recorded yet

            await pilot.press("n")
            assert app.engine.state.started  # the facilitator carries on without phones
            await pilot.pause()
            assert flag in _title(app)  # still there, the session running
            dialog = await _join_dialog(pilot, app, "n")  # now the run has a record to resume
            name = live._runs[id(app.engine)].name
            assert f"sessionkit resume {name} --records {tmp_path} --host 127.0.0.1" in dialog
            assert f"--port {other}" in dialog.split("resume", 1)[1]

            await _join_dialog(pilot, app, "y")  # yes: try the free port now
            await _wait_for_server(pilot, app)
            assert live._server.port == other and app.join_problem is None
            await until(lambda: "PHONES CANNOT JOIN" not in _title(app), "the flag to go")
            shown = [n.message for n in app._notifications]
            assert f"Phones can join now, on port {other}." in shown
            assert not any("cannot join" in message for message in shown)  # no longer true
        live.close()


@pytest.mark.parametrize(
    ("options", "short", "advice"),
    [
        (
            ServerOptions(host="127.0.0.1", port=0),
            "listening on 127.0.0.1 only",
            "start it again with --host 0.0.0.0.",
        ),
        (
            ServerOptions(host="127.0.0.1", port=0, public_url="workshop.example.org"),
            "--public-url is not usable",
            "--public-url must be a full http:// or https:// address",
        ),
        (
            ServerOptions(host="no-such-host.invalid", port=0),
            "'no-such-host.invalid' is not an address of this computer",
            "start it again with another --host.",
        ),
    ],
)
async def test_each_reason_phones_cannot_join_is_told_as_it_is(
    tmp_path: Path, options: ServerOptions, short: str, advice: str
) -> None:
    live = Live(tmp_path, options)
    app = _app(live, live.new_run(sample_plan(), sample_methods()))
    async with app.run_test(size=(160, 30)) as pilot:
        await until(lambda: app.join_problem, "the app to know phones cannot join")
        assert app.join_problem.short == short
        await until(lambda: f"PHONES CANNOT JOIN: {short} (j)" in _title(app), "the flag")
        dialog = await _join_dialog(pilot, app)
        assert advice in dialog and "--no-server" not in dialog
    live.close()


def test_the_fix_is_to_start_again_or_once_begun_to_resume() -> None:
    from sessionkit.netaddr import JoinProblem

    problem = JoinProblem("port 8765 is in use", "…", "with --port 8766", "sessionkit resume r")
    assert problem.fix(begun=False) == "Quit (q) and start it again with --port 8766."
    assert problem.fix(begun=True) == "Quit (q) and continue this run with:\n  sessionkit resume r"
    first = JoinProblem("no network address", "…", "", None, before="Join the Wi-Fi.")
    assert first.fix(begun=True) == "Join the Wi-Fi. Then quit (q) and start it again."


async def test_at_80_columns_the_title_bar_still_says_phones_cannot_join(tmp_path: Path) -> None:
    live = Live(tmp_path, ServerOptions(enabled=False))
    app = _app(live, live.new_run(sample_plan(), sample_methods()))
    async with app.run_test(size=(80, 24)):
        await until(lambda: app.join_problem, "the app to know phones cannot join")
        await until(lambda: "PHONES CANNOT JOIN (j)" in _title(app), "the short form, at 80")
        assert "planned 09:30–10:26" in _title(app)  # the plan's times still fit beside it
    live.close()


async def test_no_server_means_no_join_url_and_j_says_it_was_asked_for(tmp_path: Path) -> None:
    live = Live(tmp_path, ServerOptions(enabled=False))
    app = _app(live, live.new_run(sample_plan(), sample_methods()))
    async with app.run_test(size=(120, 30)) as pilot:
        await _serve_attempted(app)
        await pilot.pause()
        assert app.join_url is None and live._server is None
        flag = "PHONES CANNOT JOIN: started with --no-server (j)"
        await until(lambda: flag in _title(app), "the title bar to say phones cannot join")
        dialog = await _join_dialog(pilot, app)
        assert "This run was started with --no-server" in dialog
        assert "start it again without --no-server" in dialog
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


def test_the_home_screen_takes_the_server_options(tmp_path, monkeypatch) -> None:
    from sessionkit.cli import build_parser
    from sessionkit.cli import run as run_cli

    seen = {}
    monkeypatch.setattr(
        run_cli, "_run_app", lambda live, **app_args: seen.setdefault("options", live.options)
    )
    parse = build_parser().parse_args
    run_cli.home(parse(["--host", "127.0.0.1", "--port", "8799", "--public-url", PUBLIC]))
    assert seen.pop("options") == ServerOptions(
        enabled=True, host="127.0.0.1", port=8799, public_url=PUBLIC
    )
    run_cli.home(parse(["--no-server"]))
    assert seen.pop("options") == ServerOptions(enabled=False)
    run_cli.home(parse([]))
    assert seen.pop("options") == ServerOptions()
    # A subcommand's own options are its own: the home screen's do not leak into them.
    args = parse(["--port", "8799", "run", "--sample", "--port", "8800"])
    assert run_cli.make_live(args).options.port == 8800


async def test_quitting_before_anything_happened_keeps_no_run_folder(tmp_path: Path) -> None:
    from sessionkit.tui.screens.modals import Confirm

    live = Live(tmp_path, ServerOptions(enabled=False))
    app = _app(live, live.new_run(sample_plan(), sample_methods()))
    async with app.run_test(size=(100, 30)) as pilot:
        await _serve_attempted(app)
        await pilot.press("q")
        await until(lambda: isinstance(app.screen, Confirm), "the quit dialog")
        assert "Nothing has happened in this run yet" in _dialog_text(app)
        await pilot.press("y")
    live.close()
    assert list(tmp_path.iterdir()) == []


async def test_a_run_someone_joined_before_the_start_is_kept(tmp_path: Path) -> None:
    from sessionkit.core import commands as c
    from sessionkit.core.state import NEWCOMER
    from sessionkit.tui.screens.modals import Confirm

    live = Live(tmp_path, ServerOptions(enabled=False))
    engine = live.new_run(sample_plan(), sample_methods())
    app = _app(live, engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _serve_attempted(app)
        engine.execute(c.Join(name="Ann"), actor=NEWCOMER)
        await pilot.press("q")
        await until(lambda: isinstance(app.screen, Confirm), "the quit dialog")
        assert "The run is saved" in _dialog_text(app)
        await pilot.press("y")
    live.close()
    (folder,) = tmp_path.iterdir()
    resumed = Live(tmp_path, ServerOptions(enabled=False))
    assert [p.name for p in resumed.resume(folder.name).state.participants.values()] == ["Ann"]
    resumed.close()
    assert folder.exists()


def _dialog_text(app: SessionkitApp) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


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


async def test_ctrl_q_quits_at_once_and_the_run_is_kept(tmp_path: Path) -> None:
    """`q` asks first; `ctrl+q` does not, and loses nothing: the run resumes as it was."""
    live = Live(tmp_path, ServerOptions(enabled=False))
    engine = live.new_run(sample_plan(), sample_methods())
    app = _app(live, engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")  # start: the first step collects notes
        await pilot.press("a", *"Forms ask twice", "enter", "escape")
        await until(lambda: len(app.engine.state.notes) == 1, "the paper note")
        await pilot.press("ctrl+q")
        await until(lambda: app.return_code is not None, "the app to quit")
    live.close()
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    again = Live(tmp_path, ServerOptions(enabled=False))
    resumed = again.resume(folder.name)
    assert [n.text for n in resumed.state.notes.values()] == ["Forms ask twice"]
    assert resumed.state.started
    again.close()


def test_server_options_before_the_command_apply_to_it(capsys) -> None:
    """`sessionkit --port 8799 run X` means port 8799, not the default; on a command with
    no server it is refused, not ignored."""
    from sessionkit.cli import _carry_home_options, build_parser
    from sessionkit.cli import run as run_cli

    parser = build_parser()
    args = parser.parse_args(["--port", "8799", "--no-server", "run", "--sample"])
    _carry_home_options(parser, args)
    assert run_cli.make_live(args).options == ServerOptions(enabled=False, port=8799)
    args = parser.parse_args(["--port", "8799", "run", "--sample", "--port", "8800"])
    _carry_home_options(parser, args)
    assert run_cli.make_live(args).options.port == 8800  # given after it, that one wins
    with pytest.raises(SystemExit):
        _carry_home_options(parser, parser.parse_args(["--port", "8799", "records"]))
    assert "--port does not apply to 'sessionkit records'" in capsys.readouterr().err

"""`sessionkit records`, `export`, `repair` and `purge` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import sample
from sessionkit import store
from sessionkit.cli import main


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    clock = sample.Clock()
    for end in (True, False):
        clock.tick(7200)
        run = store.create_run(folder, sample.plan(), sample.methods(), clock=clock)
        sample.play(run.engine, clock, end=end)
        run.close()
    return folder


def names(records: Path) -> list[str]:
    return sorted(p.name for p in records.iterdir() if not p.name.startswith("."))


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_records_lists_runs_plainly_when_piped(records: Path, capsys) -> None:
    assert main(["records", "--records", str(records)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t") == ["run", "plan", "date", "state", "notes", "people", "events"]
    rows = [line.split("\t") for line in out[1:]]
    assert [r[3] for r in rows] == ["in progress", "ended"]
    assert all(r[1] == "Sample workshop" and r[5] == "3" for r in rows)


def test_records_reports_what_opening_a_run_would_set_aside(records: Path, capsys) -> None:
    """A torn last line (a crash mid-write) is named in the listing, never fatal."""
    name = names(records)[0]
    with (records / name / "journal.jsonl").open("ab") as journal:
        journal.write(b'{"seq":99,"at":1.0,"type":"note_ad')
    assert main(["records", "--records", str(records)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3  # both runs still listed
    assert f"{name}:" in captured.err and "cut short" in captured.err


def test_records_in_an_empty_folder(tmp_path: Path, capsys) -> None:
    assert main(["records", "--records", str(tmp_path / "none")]) == 0
    assert "No runs" in capsys.readouterr().out


def test_records_honours_the_environment(records: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SESSIONKIT_RECORDS", str(records))
    assert main(["records"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json", "toml"])
def test_export_writes_into_the_runs_exports_folder(records: Path, capsys, fmt: str) -> None:
    name = names(records)[0]
    assert main(["export", name[:12], "--format", fmt, "--records", str(records)]) == 1
    assert "matches 2 runs" in one_line_error(capsys.readouterr().err)
    assert main(["export", name, "--format", fmt, "--records", str(records)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == records / name / "exports" / f"{name}.{fmt}"
    data = written.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (fmt == "csv")
    assert ("Carers who stay" if fmt == "csv" else "Sample workshop").encode() in data


def test_export_to_a_chosen_path_a_folder_or_stdout(records: Path, tmp_path: Path, capsys) -> None:
    run = records / names(records)[1]
    assert main(["export", str(run), "-f", "markdown", "-o", str(tmp_path / "out.md")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out.md")
    assert (tmp_path / "out.md").read_text().startswith("# Sample workshop")
    assert main(["export", str(run), "-f", "html", "-o", str(tmp_path)]) == 0
    assert (tmp_path / f"{run.name}.html").is_file()
    capsys.readouterr()
    assert main(["export", str(run), "-f", "csv", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("step,cluster") and "'=HYPERLINK" in out


def test_export_errors_are_one_line(records: Path, tmp_path: Path, capsys) -> None:
    cases = [
        (["export", "nope", "--records", str(records)], "no run 'nope'"),
        (["export", str(tmp_path), "--records", str(records)], "not a sessionkit run folder"),
        (
            ["export", names(records)[0], "-f", "pdf", "--records", str(records)],
            "unknown export format 'pdf'",
        ),
        (
            [
                "export",
                names(records)[0],
                "-o",
                str(tmp_path / "missing" / "x.md"),
                "--records",
                str(records),
            ],
            "does not exist",
        ),
    ]
    for argv, expected in cases:
        assert main(argv) == 1
        assert expected in one_line_error(capsys.readouterr().err)


def test_export_to_an_unwritable_folder(records: Path, capsys) -> None:
    # /proc refuses new files even to root (CI runs as root, where chmod stops nothing).
    assert (
        main(
            [
                "export",
                names(records)[0],
                "-o",
                "/proc/sessionkit-export.md",
                "--records",
                str(records),
            ]
        )
        == 1
    )
    assert "cannot write /proc/sessionkit-export.md" in one_line_error(capsys.readouterr().err)


def test_export_of_a_damaged_run_warns_and_exports_what_is_kept(records: Path, capsys) -> None:
    run = records / names(records)[0]
    (run / "snapshot.toml").unlink()
    lines = (run / "journal.jsonl").read_bytes().split(b"\n")
    lines[9] = b"garbage"
    (run / "journal.jsonl").write_bytes(b"\n".join(lines))
    assert main(["export", run.name, "-f", "json", "--records", str(records)]) == 0
    captured = capsys.readouterr()
    assert "line 10" in captured.err and "Traceback" not in captured.err
    assert Path(captured.out.strip()).is_file()


def test_purge_needs_confirmation(records: Path, capsys, monkeypatch) -> None:
    name = names(records)[0]
    # Not a terminal (pytest's stdin): refused without --yes.
    assert main(["purge", name, "--records", str(records)]) == 1
    assert "--yes" in one_line_error(capsys.readouterr().err)
    assert name in names(records)
    # A terminal that says no.
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["purge", name, "--records", str(records)]) == 1
    assert name in names(records)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["purge", name, "--records", str(records)]) == 0
    assert name not in names(records)


def test_purge_with_yes(records: Path, capsys) -> None:
    name = names(records)[1]
    assert main(["purge", name, "--yes", "--records", str(records)]) == 0
    assert names(records) == [n for n in names(records) if n != name]
    assert main(["purge", name, "--yes", "--records", str(records)]) == 1
    assert "no run" in one_line_error(capsys.readouterr().err)


# ---------------------------------------------------------------- repair


def _damage_line(run: Path, number: int) -> bytes:
    """Replace journal line ``number`` (from 1) with garbage; return the journal before."""
    before = (run / "journal.jsonl").read_bytes()
    lines = before.split(b"\n")
    lines[number - 1] = b"garbage"
    (run / "journal.jsonl").write_bytes(b"\n".join(lines))
    (run / "snapshot.toml").unlink()  # the journal alone must say what is lost
    return before


def test_repair_is_a_dry_run_by_default(records: Path, capsys) -> None:
    run = records / names(records)[0]
    _damage_line(run, 19)  # a note nothing else refers to
    damaged = (run / "journal.jsonl").read_bytes()
    assert main(["repair", run.name, "--records", str(records)]) == 0
    out = capsys.readouterr().out
    assert run.name in out
    assert "journal.jsonl line 19: the line is damaged" in out and "lost: event 19\n" in out
    assert "Nothing was changed" in out and "--apply" in out
    assert (run / "journal.jsonl").read_bytes() == damaged
    assert not list(run.glob("journal.damaged-*")) and not (run / "repairs.toml").exists()


def test_repair_apply_sets_the_damage_aside_and_the_run_goes_on(records: Path, capsys) -> None:
    run = records / names(records)[0]
    before = _damage_line(run, 19)
    assert main(["repair", run.name, "--apply", "--records", str(records)]) == 0
    out = capsys.readouterr().out
    assert "journal.jsonl line 19" in out and "event 19 recorded as lost in repairs.toml" in out
    [aside] = run.glob("journal.damaged-*.jsonl")
    assert aside.name in out and aside.read_bytes() == b"garbage\n"
    kept = before.split(b"\n")
    del kept[18]
    assert (run / "journal.jsonl").read_bytes() == b"\n".join(kept)  # byte for byte
    reopened = store.open_run(run)
    assert reopened.state.seq == before.count(b"\n")  # up to the last event
    assert len(reopened.state.notes) == b"\n".join(kept).count(b'"note_added"')  # all but one
    assert all("the repair of" in w for w in reopened.warnings)
    reopened.close()
    assert main(["repair", run.name, "--apply", "--records", str(records)]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_repair_errors_name_the_run_and_the_line(records: Path, capsys) -> None:
    run = records / names(records)[0]
    (run / "plan.toml").write_text('title = "x"\nthis is = = not toml\n')
    assert main(["repair", run.name, "--records", str(records)]) == 1
    error = one_line_error(capsys.readouterr().err)
    assert run.name in error and "plan.toml, line 2" in error
    assert main(["repair", "zzz", "--records", str(records)]) == 1
    assert "no run 'zzz'" in one_line_error(capsys.readouterr().err)


def test_repair_apply_refuses_a_run_open_elsewhere(records: Path, capsys) -> None:
    run = records / names(records)[0]
    _damage_line(run, 19)
    writer = store._Lock(run)  # what a sessionkit with the run open for writing holds
    try:
        assert main(["repair", run.name, "--records", str(records)]) == 0  # a look is fine
        capsys.readouterr()
        assert main(["repair", run.name, "--apply", "--records", str(records)]) == 1
        error = one_line_error(capsys.readouterr().err)
        assert run.name in error and "open in another sessionkit" in error
    finally:
        writer.release()
    assert not list(run.glob("journal.damaged-*"))


def test_records_before_the_command_is_not_ignored(records: Path, capsys, monkeypatch) -> None:
    """`sessionkit --records DIR records` lists DIR, not the default folder."""
    monkeypatch.setenv("SESSIONKIT_RECORDS", str(records.parent / "elsewhere"))
    assert main(["--records", str(records), "records"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 3 and "No runs" not in out


def test_records_on_a_command_that_keeps_no_runs_says_so(records: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--records", str(records), "methods"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--records does not apply to 'sessionkit methods'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("width", [40, 80, 100, 160])
def test_the_listing_never_cuts_a_run_name(tmp_path: Path, width: int) -> None:
    """The run name is what people type after `resume`: at any width it is all there."""
    from rich.console import Console

    from sessionkit.cli.records import records_table
    from sessionkit.library import load_library

    library = load_library((), ())
    plan = library.plans["service-design-for-public-services"]
    run = store.create_run(tmp_path / "records", plan, library.methods)
    run.close()
    runs = store.list_runs(tmp_path / "records")
    console = Console(width=width, record=True, color_system=None)
    console.print(records_table(runs, width))
    screen = console.export_text()
    assert max(len(line) for line in screen.splitlines()) <= width
    assert "…" not in screen  # nothing is cut short: narrower than the name, it folds
    if width >= 80:  # the name fits on one line there, and the headers are whole
        assert run.folder.name in screen
        assert "state" in screen
    if width >= 160:
        assert "Service Design for Public Services" in screen
        assert all(h in screen for h in ("plan", "date", "notes", "people", "events"))

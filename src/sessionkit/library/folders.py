"""Where the library's files are: bundled folders, the user's config, TOML files in a folder."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import sessionkit
from sessionkit.library.contents import Kind
from sessionkit.library.problems import Problem, _did_you_mean, _shown
from sessionkit.library.toml_file import read_toml

Level = tuple[str, list[tuple[Kind, Path]]]
"""One source of files: its name (``bundled``, ``config`` ...) and its (kind, folder)s."""


def bundled_dirs() -> tuple[Path, Path]:
    """(methods, sessions) shipped with sessionkit: inside the wheel, or the repo checkout."""
    package = Path(sessionkit.__file__).resolve().parent
    bundled = package / "bundled"
    if bundled.is_dir():
        return bundled / "methods", bundled / "sessions"
    repo = Path(sessionkit.__file__).resolve().parents[2]
    return repo / "methods", repo / "sessions"


def config_path() -> Path:
    """The user config file: ``$SESSIONKIT_CONFIG`` or the XDG/``~/.config`` default."""
    explicit = os.environ.get("SESSIONKIT_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "sessionkit" / "config.toml"


def _config_dirs(path: Path, required: bool) -> tuple[list[Path], list[Path], list[Problem]]:
    """method_dirs and session_dirs of a config file (relative paths: from the file)."""
    if not path.exists():
        if required:
            return (
                [],
                [],
                [
                    Problem(
                        path, None, "", "config file not found ($SESSIONKIT_CONFIG)", code="config"
                    )
                ],
            )
        return [], [], []
    source, problems = read_toml(path)
    if source is None:  # an empty config file is fine; anything else unreadable is reported
        empty = ("is empty", "has no settings")
        return [], [], [p for p in problems if not p.message.startswith(empty)]
    found: dict[str, list[Path]] = {"method_dirs": [], "session_dirs": []}
    problems = []
    for key in found:
        value = source.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(
                Problem(
                    path,
                    source.lines.line((key,)),
                    key,
                    f'expected a list of folder names like ["~/workshops/{key.split("_")[0]}s"], '
                    f"got {_shown(value)}",
                    code="config",
                )
            )
            continue
        for folder in value:
            folder_path = Path(os.path.expandvars(folder)).expanduser()
            if not folder_path.is_absolute():
                folder_path = path.parent / folder_path
            found[key].append(folder_path)
    for key in source.data:
        # other settings belong to other parts of sessionkit; only near-misses of ours are flagged
        if key not in found and difflib.get_close_matches(key, list(found), n=1, cutoff=0.75):
            problems.append(
                Problem(
                    path,
                    source.lines.line((key,)),
                    key,
                    f"unknown key '{key}'{_did_you_mean(key, found)}",
                    code="config",
                )
            )
    return found["method_dirs"], found["session_dirs"], problems


def _toml_files(folder: Path) -> list[Path]:
    """*.toml under a folder (recursively, skipping hidden folders), in a stable order."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        files.extend(
            Path(dirpath) / name
            for name in sorted(filenames)
            if name.endswith(".toml") and not name.startswith(".")
        )
    return files


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def search_levels(
    method_dirs: Iterable[str | Path],
    session_dirs: Iterable[str | Path],
    *,
    config: str | Path | bool,
    bundled: bool,
    cwd: bool,
) -> tuple[list[Level], list[Problem]]:
    """The folders to read, lowest precedence first, and what is wrong with the config file.

    The arguments are those of :func:`~sessionkit.library.load_library`.
    """
    levels: list[Level] = []
    problems: list[Problem] = []
    bundled_pair = bundled_dirs() if bundled else None
    if bundled_pair is not None:
        b_methods, b_sessions = bundled_pair
        levels.append(("bundled", [("method", b_methods), ("plan", b_sessions)]))
    if config is not False:
        level, problems = _config_level(config)
        levels.append(level)
    if cwd:
        levels.append(("current folder", _current_folders(bundled_pair)))
    levels.append(
        (
            "command line",
            [("method", Path(d)) for d in method_dirs] + [("plan", Path(d)) for d in session_dirs],
        )
    )
    return levels, problems


def _config_level(config: str | Path | Literal[True]) -> tuple[Level, list[Problem]]:
    """The folders named in the config file: the user's (``config=True``) or a given one."""
    cfg = config_path() if config is True else Path(config).expanduser()
    # a config file that was asked for must exist; the default one is optional
    required = config is not True or bool(os.environ.get("SESSIONKIT_CONFIG"))
    m_dirs, s_dirs, problems = _config_dirs(cfg, required)
    folders: list[tuple[Kind, Path]] = [("method", d) for d in m_dirs]
    folders += [("plan", d) for d in s_dirs]
    return ("config", folders), problems


def _current_folders(bundled: tuple[Path, Path] | None) -> list[tuple[Kind, Path]]:
    """./methods and ./sessions, unless they are the bundled ones (running in the checkout)."""
    here = Path.cwd()
    b_methods, b_sessions = bundled if bundled is not None else (None, None)
    names: tuple[tuple[Kind, str, Path | None], ...] = (
        ("method", "methods", b_methods),
        ("plan", "sessions", b_sessions),
    )
    local: list[tuple[Kind, Path]] = []
    for kind, name, bundled_dir in names:
        folder = here / name
        if folder.is_dir() and not (bundled_dir and _same_dir(folder, bundled_dir)):
            local.append((kind, folder))
    return local

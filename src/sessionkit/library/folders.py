"""Where the library's files are: bundled folders, the user's config, TOML files in a folder."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import sessionkit
from sessionkit.library.problems import Problem, _did_you_mean, _shown
from sessionkit.library.toml_file import read_toml


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
            return [], [], [Problem(path, None, "", "config file not found ($SESSIONKIT_CONFIG)", code="config")]
        return [], [], []
    source, problems = read_toml(path)
    if source is None:  # an empty config file is fine; anything else unreadable is reported
        return [], [], [p for p in problems if not p.message.startswith(("is empty", "has no settings"))]
    found: dict[str, list[Path]] = {"method_dirs": [], "session_dirs": []}
    problems = []
    for key in found:
        value = source.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(
                path, source.lines.line((key,)), key,
                f'expected a list of folder names like ["~/workshops/{key.split("_")[0]}s"], '
                f"got {_shown(value)}",
                code="config",
            ))
            continue
        for folder in value:
            folder_path = Path(os.path.expandvars(folder)).expanduser()
            if not folder_path.is_absolute():
                folder_path = path.parent / folder_path
            found[key].append(folder_path)
    for key in source.data:
        # other settings belong to other parts of sessionkit; only near-misses of ours are flagged
        if key not in found and difflib.get_close_matches(key, list(found), n=1, cutoff=0.75):
            problems.append(Problem(
                path, source.lines.line((key,)), key,
                f"unknown key '{key}'{_did_you_mean(key, found)}", code="config",
            ))
    return found["method_dirs"], found["session_dirs"], problems


def _toml_files(folder: Path) -> list[Path]:
    """*.toml under a folder (recursively, skipping hidden folders), in a stable order."""
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        files.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".toml") and not name.startswith("."))
    return files


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False

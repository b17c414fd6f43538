"""Loading the whole library from every source, in order of precedence."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sessionkit.core.plan import Plan
from sessionkit.library.contents import Kind, Library
from sessionkit.library.file_checks import (
    _check_method,
    _check_plan_schema,
    _guess_kind,
    _misplaced,
)
from sessionkit.library.folders import (
    _config_dirs,
    _same_dir,
    _toml_files,
    bundled_dirs,
    config_path,
)
from sessionkit.library.plan_checks import _check_plan_references
from sessionkit.library.problems import Problem, display_path
from sessionkit.library.toml_file import _Source, read_toml


def load_library(
    method_dirs: Iterable[str | Path] = (),
    session_dirs: Iterable[str | Path] = (),
    paths: Iterable[str | Path] = (),
    *,
    config: str | Path | bool = True,
    bundled: bool = True,
    cwd: bool = True,
) -> Library:
    """Load the whole library. Never raises for anything in the files it reads.

    ``method_dirs`` / ``session_dirs``: extra folders (``--methods`` / ``--sessions``).
    ``paths``: files or folders to load on top of everything, each file read as a method
    or a plan according to its content (what ``sessionkit check PATH`` checks).
    ``config``: True to read the user's config file, a path to read that one, False not to.
    """
    library = Library()
    levels: list[tuple[str, list[tuple[Kind, Path]]]] = []
    if bundled:
        b_methods, b_sessions = bundled_dirs()
        levels.append(("bundled", [("method", b_methods), ("plan", b_sessions)]))
    else:
        b_methods = b_sessions = None
    if config is not False:
        cfg = config_path() if config is True else Path(config).expanduser()
        required = config is not True or bool(os.environ.get("SESSIONKIT_CONFIG"))
        m_dirs, s_dirs, problems = _config_dirs(cfg, required)
        library.problems.extend(problems)
        levels.append(("config", [("method", d) for d in m_dirs] + [("plan", d) for d in s_dirs]))
    if cwd:
        here = Path.cwd()
        local: list[tuple[Kind, Path]] = []
        for kind, name, bundled_dir in (("method", "methods", b_methods), ("plan", "sessions", b_sessions)):
            folder = here / name
            if folder.is_dir() and not (bundled_dir and _same_dir(folder, bundled_dir)):
                local.append((kind, folder))
        levels.append(("current folder", local))
    levels.append((
        "command line",
        [("method", Path(d)) for d in method_dirs] + [("plan", Path(d)) for d in session_dirs],
    ))

    seen: set[Path] = set()
    # (kind, id) -> (level, file) of the file currently providing it
    owners: dict[tuple[Kind, str], tuple[str, Path]] = {}
    pending_plans: list[tuple[_Source, Plan, str]] = []

    def take(kind: Kind | None, file: Path, level: str) -> None:
        try:
            resolved = file.resolve()
        except OSError:
            resolved = file
        if resolved in seen:
            return
        seen.add(resolved)
        try:
            _take(kind, file, level, resolved)
        except Exception as error:  # a safety net: one file must never stop the others
            library.problems.append(Problem(
                file, None, "",
                f"could not be loaded (internal error {type(error).__name__}: {error}); "
                "please report this",
                code="internal",
            ))

    def _take(kind: Kind | None, file: Path, level: str, resolved: Path) -> None:
        source, problems = read_toml(file)
        if source is None:
            guessed: Kind = kind or _guess_kind({}, file)
            library.files[resolved] = guessed
            library.problems.extend(problems)
            _register(guessed, file.stem, file, level, None, ok=False)
            return
        if kind is None:
            kind = _guess_kind(source.data, file)
        else:
            misplaced = _misplaced(source.data, kind, file)
            if misplaced:
                library.files[resolved] = kind
                library.problems.append(misplaced)
                return
        library.files[resolved] = kind
        if kind == "method":
            method, problems = _check_method(source)
            library.problems.extend(problems)
            _register("method", file.stem, file, level, method, ok=method is not None and not problems,
                      source=source)
        else:
            plan, problems = _check_plan_schema(source)
            library.problems.extend(problems)
            if _register("plan", file.stem, file, level, plan, ok=plan is not None and not problems,
                         source=source) and plan is not None:
                pending_plans.append((source, plan, file.stem))

    def _register(kind: Kind, key: str, file: Path, level: str, model: Any, ok: bool,
                  source: _Source | None = None) -> bool:
        previous = owners.get((kind, key))
        what = "method" if kind == "method" else "plan"
        if previous is not None:
            prev_level, prev_file = previous
            if prev_level == level:
                line = source.lines.line(("id",)) if source else None
                library.problems.append(Problem(
                    file, line, "id" if line else "",
                    f"duplicate {what} id '{key}': also defined in {display_path(prev_file)}",
                    code="duplicate",
                ))
                return False
            if level != "given":  # a file given to check is not meant to override anything
                library.notes.append(Problem(
                    file, None, "",
                    f"{what} '{key}' overrides the one in {display_path(prev_file)} ({prev_level})",
                    code="override",
                ))
        owners[(kind, key)] = (level, file)
        if kind == "method":
            library.method_paths[key] = file
            library.methods.pop(key, None)
            library.rejected_methods.pop(key, None)
            if ok:
                library.methods[key] = model
            else:
                library.rejected_methods[key] = model
        else:
            library.plan_paths[key] = file
            library.plans.pop(key, None)
            library.rejected_plans.discard(key)
            if model is not None:
                library.plans[key] = model
            if not ok:
                library.rejected_plans.add(key)
        return True

    for level, folders in levels:
        for kind, folder in folders:
            library.sources.append((level, kind, folder))
            if not folder.is_dir():
                if level != "bundled":
                    library.problems.append(Problem(
                        folder, None, "",
                        "no such folder" if not folder.exists() else "is not a folder",
                        code="folder",
                    ))
                continue
            for file in _toml_files(folder):
                take(kind, file, level)
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for file in _toml_files(given):
                take(None, file, "given")
        elif given.exists():
            take(None, given, "given")
        else:
            library.problems.append(Problem(given, None, "", "no such file or folder", code="file"))

    # plans are checked once every method is known
    for source, plan, key in pending_plans:
        if library.plans.get(key) is not plan:
            continue  # overridden by a later file
        problems = _check_plan_references(plan, source, library)
        library.problems.extend(problems)
        if any(p.code != "overrun" for p in problems):
            library.rejected_plans.add(key)
    # group each file's problems together, in line order, files in the order they were read
    order: dict[Path, int] = {}
    for problem in library.problems:
        order.setdefault(Path(problem.file), len(order))
    library.problems.sort(key=lambda p: (order[Path(p.file)], p.line or 0))
    return library

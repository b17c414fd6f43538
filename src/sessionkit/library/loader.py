"""Loading the whole library from every source, in order of precedence."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sessionkit.core.plan import Plan
from sessionkit.library.contents import Kind, Library
from sessionkit.library.file_checks import (
    _check_method,
    _check_plan_schema,
    _guess_kind,
    _method_warnings,
    _misplaced,
)
from sessionkit.library.folders import Level, _toml_files, search_levels
from sessionkit.library.plan_checks import _check_plan_people, _check_plan_references
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
    levels, problems = search_levels(
        method_dirs, session_dirs, config=config, bundled=bundled, cwd=cwd
    )
    library.problems.extend(problems)
    loader = _Loader(library)
    loader.read_levels(levels)
    loader.read_given(paths)
    loader.check_plans()
    for found in (library.problems, library.warnings, library.notes):
        _group_problems(found)
    return library


def _group_problems(problems: list[Problem]) -> None:
    """Each file's problems together, in line order, files in the order they were read."""
    order: dict[Path, int] = {}
    for problem in problems:
        order.setdefault(Path(problem.file), len(order))
    problems.sort(key=lambda p: (order[Path(p.file)], p.line or 0))


NO_SAFEGUARDING = (
    "no safeguarding note: say what to do if something said or written suggests someone "
    "is at risk, now (immediate danger) and the same day (see docs/safeguarding.md)"
)


def _no_safeguarding(file: Path, source: _Source) -> Problem:
    """A warning, not a problem: the method runs, but the room has no path for a
    disclosure (a method written before the standard, or in a hurry)."""
    line = source.lines.line(("care", "safeguarding"))
    return Problem(file, line, "care.safeguarding", NO_SAFEGUARDING, code="safeguarding")


class _Loader:
    """Reads files into one :class:`Library`, a later level overriding an earlier one."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.seen: set[Path] = set()
        """Every file read (resolved), so a file reachable twice is read once."""
        self.owners: dict[tuple[Kind, str], tuple[str, Path]] = {}
        """(kind, id) -> (level, file) of the file currently providing it."""
        self.pending_plans: list[tuple[_Source, Plan, str]] = []
        """Plans to check against the methods once every method is known."""

    def read_levels(self, levels: list[Level]) -> None:
        library = self.library
        for level, folders in levels:
            for kind, folder in folders:
                library.sources.append((level, kind, folder))
                if not folder.is_dir():
                    if level != "bundled":
                        library.problems.append(
                            Problem(
                                folder,
                                None,
                                "",
                                "no such folder" if not folder.exists() else "is not a folder",
                                code="folder",
                            )
                        )
                    continue
                for file in _toml_files(folder):
                    self.take(kind, file, level)

    def read_given(self, paths: Iterable[str | Path]) -> None:
        """Files or folders given to check: each file is a method or a plan by its content."""
        for given in paths:
            given = Path(given)
            if given.is_dir():
                for file in _toml_files(given):
                    self.take(None, file, "given")
            elif given.exists():
                self.take(None, given, "given")
            else:
                self.library.problems.append(
                    Problem(given, None, "", "no such file or folder", code="file")
                )

    def check_plans(self) -> None:
        """Check the plans against the methods, now that every method is known."""
        library = self.library
        for source, plan, key in self.pending_plans:
            if library.plans.get(key) is not plan:
                continue  # overridden by a later file
            problems = _check_plan_references(plan, source, library)
            library.problems.extend(problems)
            library.warnings.extend(_check_plan_people(plan, source, library))
            if any(p.code != "overrun" for p in problems):
                library.rejected_plans.add(key)

    def take(self, kind: Kind | None, file: Path, level: str) -> None:
        """Read one file (``kind`` None: guess it from the content), once."""
        try:
            resolved = file.resolve()
        except OSError:
            resolved = file
        if resolved in self.seen:
            return
        self.seen.add(resolved)
        try:
            self._read_file(kind, file, level, resolved)
        except Exception as error:  # a safety net: one file must never stop the others
            self.library.problems.append(
                Problem(
                    file,
                    None,
                    "",
                    f"could not be loaded (internal error {type(error).__name__}: {error}); "
                    "please report this",
                    code="internal",
                )
            )

    def _read_file(self, kind: Kind | None, file: Path, level: str, resolved: Path) -> None:
        library = self.library
        source, problems = read_toml(file)
        if source is None:
            guessed: Kind = kind or _guess_kind({}, file)
            library.files[resolved] = guessed
            library.problems.extend(problems)
            self._register(guessed, file.stem, file, level, None, ok=False)
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
            if method is not None:
                warnings, notes = _method_warnings(source, method)
                library.warnings.extend(warnings)
                library.notes.extend(notes)
            ok = method is not None and not problems
            if ok and method is not None and not method.care.safeguarding.strip():
                library.warnings.append(_no_safeguarding(file, source))
            self._register("method", file.stem, file, level, method, ok=ok, source=source)
        else:
            plan, problems = _check_plan_schema(source)
            library.problems.extend(problems)
            ok = plan is not None and not problems
            if self._register("plan", file.stem, file, level, plan, ok=ok, source=source) and (
                plan is not None
            ):
                self.pending_plans.append((source, plan, file.stem))

    def _register(
        self,
        kind: Kind,
        key: str,
        file: Path,
        level: str,
        model: Any,
        ok: bool,
        source: _Source | None = None,
    ) -> bool:
        """Make ``file`` the provider of ``key`` unless the same level already has one
        (a duplicate, False); overriding a lower level is noted."""
        library = self.library
        previous = self.owners.get((kind, key))
        what = "method" if kind == "method" else "plan"
        if previous is not None:
            prev_level, prev_file = previous
            if prev_level == level:
                line = source.lines.line(("id",)) if source else None
                library.problems.append(
                    Problem(
                        file,
                        line,
                        "id" if line else "",
                        f"duplicate {what} id '{key}': also defined in {display_path(prev_file)}",
                        code="duplicate",
                    )
                )
                return False
            if level != "given":  # a file given to check is not meant to override anything
                library.notes.append(
                    Problem(
                        file,
                        None,
                        "",
                        f"{what} '{key}' overrides the one in "
                        f"{display_path(prev_file)} ({prev_level})",
                        code="override",
                    )
                )
        self.owners[(kind, key)] = (level, file)
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

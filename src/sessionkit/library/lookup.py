"""Finding one method or plan by id or by path, with a clear error when it cannot be had."""

from __future__ import annotations

import os
from pathlib import Path

from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.library.contents import Kind, Library
from sessionkit.library.file_checks import _check_method, _check_plan_schema, _misplaced
from sessionkit.library.plan_checks import _check_plan_references
from sessionkit.library.problems import LibraryError, Problem, _did_you_mean, display_path
from sessionkit.library.toml_file import _Source, read_toml


def _is_path_ref(ref: str | Path) -> bool:
    text = str(ref)
    return isinstance(ref, Path) or text.endswith(".toml") or os.sep in text or "/" in text


def resolve_plan(library: Library, ref: str | Path) -> Plan:
    """A plan by id, or by the path of a .toml file (which is then loaded into ``library``).

    Returns the plan if it validated (it may still have reference or timing problems:
    see ``library.problems_for(library.plan_paths[plan.id])``). Raises
    :class:`LibraryError` with a clear message when there is no such plan or it is invalid.
    """
    if _is_path_ref(ref):
        return _load_plan_file(library, Path(ref))
    ref = str(ref)
    if ref in library.plans:
        return library.plans[ref]
    if ref in library.plan_paths:
        file = library.plan_paths[ref]
        raise LibraryError(
            f"plan '{ref}' ({display_path(file)}) has problems", library.problems_for(file)
        )
    raise LibraryError(f"no plan called '{ref}'{_known('plan', ref, library.plan_paths)}")


def resolve_method(library: Library, ref: str | Path, *, allow_flawed: bool = False) -> Method:
    """A method by id or path. ``allow_flawed``: also return a method that validated but
    has cross-field problems (for showing it)."""
    if _is_path_ref(ref):
        return _load_method_file(library, Path(ref), allow_flawed)
    ref = str(ref)
    if ref in library.methods:
        return library.methods[ref]
    if ref in library.method_paths:
        file = library.method_paths[ref]
        flawed = library.rejected_methods.get(ref)
        if allow_flawed and flawed is not None:
            return flawed
        raise LibraryError(
            f"method '{ref}' ({display_path(file)}) has problems", library.problems_for(file)
        )
    raise LibraryError(f"no method called '{ref}'{_known('method', ref, library.method_paths)}")


def _known(what: str, ref: str, ids: dict[str, Path]) -> str:
    hint = _did_you_mean(ref, ids)
    if hint:
        return hint
    if not ids:
        return f" (no {what}s were found)"
    names = sorted(ids)
    listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f" (known {what}s: {listed})"


def _load_method_file(library: Library, file: Path, allow_flawed: bool) -> Method:
    """A method file given by path: the loaded one if it is already in the library, else
    read and added to ``library`` (raising :class:`LibraryError` if it cannot be used)."""
    resolved = file.resolve()
    key = _loaded_as(library.method_paths, resolved)
    if key is not None:
        return resolve_method(library, key, allow_flawed=allow_flawed)
    source = _read(file, "method")
    try:
        method, problems = _check_method(source)
    except Exception as error:  # never a traceback for a file
        raise _internal_error(file, error) from None
    key = _keep(library, file, resolved, "method", method is not None, problems)
    if method is None:
        raise LibraryError(f"{display_path(file)} is not a valid method", problems)
    library.method_paths[key] = file
    if problems:
        library.rejected_methods[key] = method
        library.methods.pop(key, None)
        if not allow_flawed:
            raise LibraryError(f"{display_path(file)} has problems", problems)
    else:
        library.methods[key] = method
    return method


def _load_plan_file(library: Library, file: Path) -> Plan:
    """A plan file given by path, like :func:`_load_method_file`; a plan that validated is
    returned even with reference or timing problems (they are in ``library.problems``)."""
    resolved = file.resolve()
    key = _loaded_as(library.plan_paths, resolved)
    if key is not None:
        return resolve_plan(library, key)
    source = _read(file, "plan")
    try:
        plan, problems = _check_plan_schema(source)
        if plan is not None:
            problems += _check_plan_references(plan, source, library)
    except Exception as error:  # never a traceback for a file
        raise _internal_error(file, error) from None
    key = _keep(library, file, resolved, "plan", plan is not None, problems)
    if plan is None:
        raise LibraryError(f"{display_path(file)} is not a valid plan", problems)
    library.plan_paths[key] = file
    library.plans[key] = plan
    if any(p.code != "overrun" for p in problems):
        library.rejected_plans.add(key)
    return plan


def _loaded_as(paths: dict[str, Path], resolved: Path) -> str | None:
    """The id under which this (resolved) file is already in the library, if it is."""
    for key, known in paths.items():
        if known.resolve() == resolved:
            return key
    return None


def _read(file: Path, kind: Kind) -> _Source:
    """The file's TOML, or LibraryError when it is unreadable or plainly the other kind."""
    source, problems = read_toml(file)
    if source is None:
        raise LibraryError(f"cannot load {display_path(file)}: {problems[0].message}", problems)
    misplaced = _misplaced(source.data, kind, file)
    if misplaced:
        raise LibraryError(f"{display_path(file)} {misplaced.message}", [misplaced])
    return source


def _internal_error(file: Path, error: Exception) -> LibraryError:
    return LibraryError(f"cannot load {display_path(file)}: internal error {error!r}")


def _keep(
    library: Library,
    file: Path,
    resolved: Path,
    kind: Kind,
    valid: bool,
    problems: list[Problem],
) -> str:
    """Note that a valid file overrides the one with its id, and keep its problems; its id."""
    paths = library.method_paths if kind == "method" else library.plan_paths
    key = file.stem
    if key in paths and valid:
        library.notes.append(
            Problem(
                file,
                None,
                "",
                f"{kind} '{key}' overrides the one in {display_path(paths[key])}",
                code="override",
            )
        )
    library.problems.extend(problems)
    library.files[resolved] = kind
    return key

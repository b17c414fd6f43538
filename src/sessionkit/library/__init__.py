"""Load methods and session plans from TOML files, with errors that point at a line.

The library is every ``methods/<id>.toml`` and ``sessions/<id>.toml`` the user can reach,
read from these sources in order of precedence (a later source overrides an earlier one
with the same id, and the override is noted):

1. bundled: ``sessionkit/bundled/{methods,sessions}`` inside the installed package, or
   the repository checkout's ``methods/`` and ``sessions/`` when running from source;
2. the user's config file (``$SESSIONKIT_CONFIG``, else
   ``$XDG_CONFIG_HOME/sessionkit/config.toml``, else ``~/.config/sessionkit/config.toml``)
   with ``method_dirs = [...]`` and ``session_dirs = [...]``;
3. the current directory's ``methods/`` and ``sessions/`` (when they are not the bundled
   ones);
4. folders given on the command line (``--methods DIR``, ``--sessions DIR``) and files or
   folders given to ``sessionkit check``.

Two files with the same id in the *same* source are a problem; one source overriding
another is not. Every file is loaded on its own: a file that cannot be read, is not
TOML or does not validate adds :class:`Problem` entries and never stops the others.

A :class:`Problem` names the file, the line, the field path and what was expected.
``tomllib`` gives no positions, so :class:`TomlLines` maps key paths back to lines.

File I/O lives here, not in ``sessionkit.core``.

The modules, lowest first: ``toml_lines`` (key path -> line), ``problems`` (Problem and
the wording of its messages), ``toml_file`` (reading one file), ``model_walk`` and
``validation_errors`` (pydantic errors as problems), ``contents`` (the Library),
``file_checks`` (one file on its own), ``plan_checks`` (plans against the methods),
``folders`` (where files are found), ``loader`` (``load_library``) and ``lookup``
(``resolve_plan`` / ``resolve_method``). Everything public is re-exported here.
"""

from sessionkit.library.contents import Library
from sessionkit.library.folders import bundled_dirs, config_path
from sessionkit.library.loader import load_library
from sessionkit.library.lookup import resolve_method, resolve_plan
from sessionkit.library.plan_checks import overrun_message
from sessionkit.library.problems import LibraryError, Problem, display_path, field_path, suggest
from sessionkit.library.toml_file import read_toml
from sessionkit.library.toml_lines import TomlLines

__all__ = [
    "Library",
    "LibraryError",
    "Problem",
    "TomlLines",
    "bundled_dirs",
    "config_path",
    "display_path",
    "field_path",
    "load_library",
    "overrun_message",
    "read_toml",
    "resolve_method",
    "resolve_plan",
    "suggest",
]

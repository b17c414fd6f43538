"""The user config file keeps the theme: only its own line changes, a bad file is told
about (file and line) and never rewritten."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sessionkit.library import load_library
from sessionkit.store.settings import ThemeSetting

HAND_WRITTEN = """\
# my folders
method_dirs = ["~/workshops/methods"]  # the team's

[unrelated]
theme = "not this one"
"""


def test_keeping_the_theme_changes_only_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(HAND_WRITTEN)
    setting = ThemeSetting(config)
    assert setting.read() == (None, None)
    assert setting.keep("nord") is None
    assert config.read_text() == 'theme = "nord"\n' + HAND_WRITTEN
    assert setting.read() == ("nord", None)
    assert setting.keep("gruvbox") is None
    assert config.read_text() == 'theme = "gruvbox"\n' + HAND_WRITTEN
    assert tomllib.loads(config.read_text())["unrelated"]["theme"] == "not this one"


def test_a_missing_file_and_folder_are_made(tmp_path: Path) -> None:
    config = tmp_path / "xdg" / "sessionkit" / "config.toml"
    setting = ThemeSetting(config)
    assert setting.read() == (None, None)
    assert setting.keep("textual-light") is None
    assert setting.read() == ("textual-light", None)
    assert not list(config.parent.glob(".*.tmp"))  # written atomically, nothing left over


def test_a_bad_file_is_told_with_its_line_and_never_rewritten(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# mine\ntheme = 3\n")
    name, problem = ThemeSetting(config).read()
    assert name is None
    assert problem is not None and f"{config} line 2: theme should be a theme's name" in problem

    config.write_text("theme = \n")
    name, problem = ThemeSetting(config).read()
    assert name is None and problem is not None and "is not valid TOML" in problem
    trouble = ThemeSetting(config).keep("nord")
    assert trouble is not None and "The theme was not kept" in trouble
    assert config.read_text() == "theme = \n"

    assert "there is no theme 'nope'" in ThemeSetting(config).problem_with("nope", ["a"])


def test_the_library_does_not_mind_the_theme_key(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n')
    monkeypatch.setenv("SESSIONKIT_CONFIG", str(config))
    library = load_library()
    assert not [p for p in library.problems if "theme" in str(p)]

"""The wheel says what it is licensed under, and carries both licence texts.

Built in-process with the project's own build backend (hatchling's PEP 517 hook), so
the test reads the metadata pip and PyPI would read, not pyproject.toml's intentions.
"""

from __future__ import annotations

import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from hatchling import build

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)  # the backend builds the project in the current folder
        name = build.build_wheel(str(out))
    return zipfile.ZipFile(out / name)


def test_the_wheel_names_both_licences(wheel: zipfile.ZipFile) -> None:
    info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = Parser().parsestr(wheel.read(info).decode("utf-8"))
    assert metadata["License-Expression"] == "MIT AND CC-BY-SA-4.0"
    assert sorted(metadata.get_all("License-File") or []) == [
        "LICENSE",
        "LICENSES/CC-BY-SA-4.0.txt",
    ]
    dist_info = info.rsplit("/", 1)[0]
    code = wheel.read(f"{dist_info}/licenses/LICENSE").decode("utf-8")
    texts = wheel.read(f"{dist_info}/licenses/LICENSES/CC-BY-SA-4.0.txt").decode("utf-8")
    assert code.startswith("MIT License") and "sessionkit developers" in code
    assert texts.startswith("Attribution-ShareAlike 4.0 International")
    assert "Section 3 -- License Conditions." in texts  # the legal code, not a summary


def test_the_wheel_bundles_the_texts_that_licence_covers(wheel: zipfile.ZipFile) -> None:
    bundled = [n for n in wheel.namelist() if n.startswith("sessionkit/bundled/")]
    assert any(n.startswith("sessionkit/bundled/methods/") for n in bundled)
    assert any(n.startswith("sessionkit/bundled/sessions/") for n in bundled)

"""A method's sources: what an adaptation of a CC BY text must say, and the bundled links.

The shared authoring guide (issue 13) gives one [[sources]] block for every Liberating
Structures adaptation; ``GUIDE_BLOCK`` is that block, so a method written to the guide
passes ``sessionkit check`` and one that leaves out a part of it is told which, where.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sessionkit.core.method import Source, licence_key, source_problems
from sessionkit.library import load_library

REPO = Path(__file__).resolve().parents[1]
METHODS = sorted((REPO / "methods").glob("*.toml"))
TRIZ_TEXT = (REPO / "methods" / "triz.toml").read_text(encoding="utf-8")
LS_ATTRIBUTION = (
    "This work includes content from Liberating Structures Fieldbook (2026) by Keith "
    "McCandless and Nancy White, available at www.liberatingstructures.com. Licensed under "
    "CC BY-SA 4.0."
)

GUIDE_BLOCK = f"""\
[[sources]]
title = "Troika Consulting"
author = "Henri Lipmanowicz and Keith McCandless, Liberating Structures"
url = "https://www.liberatingstructures.com/..."   # the structure's own page, confirmed
url_status = "confirmed"
checked = 2026-12-02
licence = "CC BY-SA 4.0"
licence_url = "https://creativecommons.org/licenses/by-sa/4.0/"
attribution = "{LS_ATTRIBUTION}"
changes = "What we changed, specifically: rewritten in our own words for ...; steps timed for ...; phones collect ...; care notes added for ..."
relation = "adapted from"
"""


def with_sources(block: str) -> str:
    """TRIZ with its [[sources]] replaced by ``block``."""
    start = TRIZ_TEXT.index("[[sources]]")
    end = TRIZ_TEXT.index("[provenance]")
    return TRIZ_TEXT[:start] + block + "\n" + TRIZ_TEXT[end:]


def check(tmp_path: Path, text: str):
    folder = tmp_path / "methods"
    folder.mkdir(exist_ok=True)
    (folder / "triz.toml").write_text(text, encoding="utf-8")
    library = load_library((), (), [folder], config=False, bundled=False, cwd=False)
    return text, library.problems


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


def test_the_guides_block_passes(tmp_path):
    _text, problems = check(tmp_path, with_sources(GUIDE_BLOCK))
    assert problems == []


@pytest.mark.parametrize(
    ("key", "needs"),
    [
        (
            "licence_url",
            'where the licence is (licence_url = "https://creativecommons.org/licenses/by-sa/4.0/")',
        ),
        ("attribution", "the attribution wording the source asks for"),
        ("changes", "what this text changed from it"),
        ("checked", "when the licence was last checked"),
    ],
)
def test_an_adaptation_without_a_part_of_its_credit_is_told_which_and_where(tmp_path, key, needs):
    block = "\n".join(
        line
        for line in GUIDE_BLOCK.splitlines()
        if not line.startswith(f"{key} =") and not line.startswith("url_status")
    )
    text, problems = check(tmp_path, with_sources(block))
    [problem] = problems
    assert problem.field == f"sources[0].{key}"
    assert problem.code == "licence"
    assert problem.line == line_of(text, "[[sources]]")  # the key is missing: its table
    assert problem.message.startswith(
        "'Troika Consulting' is adapted from a CC BY-SA 4.0 text, so it must"
    )
    assert needs in problem.message
    assert str(problem).startswith(f"{problem.file}:{problem.line}: sources[0].{key}: ")


def test_an_adaptation_missing_everything_gets_every_problem_at_once(tmp_path):
    block = """\
[[sources]]
title = "Making Space with TRIZ"
licence = "cc-by-sa-4.0"
relation = "adapted from"
"""
    _text, problems = check(tmp_path, with_sources(block))
    assert [p.field for p in problems] == [
        f"sources[0].{key}" for key in ("licence_url", "attribution", "changes", "checked")
    ]


@pytest.mark.parametrize(
    ("licence", "relation"),
    [
        ("CC BY-SA 4.0", "inspired by"),  # not adapted: nothing of its text is used
        ("CC BY-SA 4.0", "see also"),
        ("cite only", "adapted from"),  # not an open licence: a matter for its owner
        ("CC0 1.0", "adapted from"),  # public domain: no credit asked
    ],
)
def test_only_adaptations_of_cc_by_texts_must_credit(licence, relation):
    source = Source(title="T", licence=licence, relation=relation)
    assert source_problems([source]) == []


def test_other_cc_by_licences_need_credit_too():
    source = Source(title="T", licence="CC BY 4.0", relation="adapted from")
    [(path, message), *_] = source_problems([source])
    assert path == ("sources", 0, "licence_url")
    assert "https://creativecommons.org/licenses/by/4.0/" in message


def test_a_confirmed_link_needs_a_link_and_a_date():
    assert source_problems([Source(title="T", url_status="confirmed")]) == [
        (("sources", 0, "url_status"), "'T' has no url to confirm")
    ]
    assert source_problems(
        [Source(title="T", url="https://x.example", url_status="confirmed")]
    ) == [
        (("sources", 0, "checked"), "'T': say when its link was confirmed (checked = 2026-12-02)")
    ]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("CC BY-SA 4.0", "cc-by-sa-4.0"),
        ("cc-by-sa-4.0", "cc-by-sa-4.0"),
        ("  CC_BY-SA  4.0 ", "cc-by-sa-4.0"),
        ("CC0 1.0", "cc0-1.0"),
        ("cite only", "cite-only"),
    ],
)
def test_licence_names_compare_whatever_their_spelling(written, key):
    assert licence_key(written) == key


# ---------------------------------------------------------------- the bundled library


def bundled_sources() -> list[tuple[str, dict]]:
    return [
        (path.stem, source)
        for path in METHODS
        for source in tomllib.loads(path.read_text(encoding="utf-8")).get("sources", [])
    ]


@pytest.mark.parametrize(("method", "source"), bundled_sources())
def test_every_bundled_link_is_confirmed_with_a_date_or_marked_unconfirmed(method, source):
    if source.get("url"):
        assert source.get("url_status") in ("confirmed", "unconfirmed"), method
        if source["url_status"] == "confirmed":
            assert source.get("checked") is not None, method
    # 18F's site went offline in 2025: its methods are cited from its CC0 repository
    assert "methods.18f.gov" not in source.get("url", ""), method


def test_every_liberating_structures_adaptation_credits_it_as_it_asks():
    adapted = [
        (method, source)
        for method, source in bundled_sources()
        if source.get("relation") == "adapted from" and "Liberating Structures" in source["author"]
    ]
    assert {method for method, _ in adapted} >= {
        "1-2-4-all",
        "15-percent-solutions",
        "min-specs",
        "triz",
        "what-so-what-now-what",
        "troika-consulting",
    }
    changes = set()
    for method, source in adapted:
        assert source["attribution"] == LS_ATTRIBUTION, method
        assert source["licence_url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
        assert len(source["changes"]) > 40, method  # says what, not just "adapted"
        changes.add(source["changes"])
    assert len(changes) == len(adapted), "each says what was changed in that method"

"""The Markdown export's escaping, read back by a real CommonMark parser: participant
text never becomes markup, and ordinary sentences carry no backslashes at all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sessionkit.export.markdown_escape import escape, escape_block

PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
MARKUP = "\\`*_[]()<>!#&;|~-+=.:/ 1x\n"
"""Characters that start markup somewhere, a digit, a letter and a line break."""


def _inline_text(source: str) -> tuple[list[str], str]:
    """The block tokens and the literal text a reader sees of ``source``."""
    tokens = PARSER.parse(source)
    blocks = [t.type for t in tokens if t.nesting == 1 or t.type in ("hr", "fence", "code_block")]
    text = []
    for token in tokens:
        for child in token.children or []:
            if child.type not in ("text", "softbreak"):
                text.append(f"<{child.type}>")
            else:
                text.append(child.content if child.type == "text" else "\n")
    return blocks, "".join(text)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(MARKUP)
        | st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
        max_size=40,
    )
)
def test_any_line_reads_back_as_written(text: str) -> None:
    line = " ".join(text.split())
    if not line:
        return
    blocks, shown = _inline_text(escape(text))
    assert blocks == ["paragraph_open"], (text, escape(text), blocks)
    assert shown == line, (text, escape(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(MARKUP)
            | st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
            min_size=1,
            max_size=20,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_note_of_several_lines_stays_one_list_item(lines: list[str]) -> None:
    # Control characters never reach an export (participant text is cleaned on entry).
    kept = [line.strip() for line in "\n".join(lines).split("\n") if line.strip()]
    if not kept:
        return
    source = "- " + escape_block("\n".join(lines))
    blocks, shown = _inline_text(source)
    assert blocks == ["bullet_list_open", "list_item_open", "paragraph_open"], (lines, source)
    assert shown == "\n".join(kept), (lines, source)


@pytest.mark.parametrize(
    "sentence",
    [
        "Access & support at 3pm, not <3 weeks later",
        "See point [1] in the report",
        "Ask @team about the snake_case form name",
        "Costs went from £5 to $7 (about 40%)",
        "Waiting: 6-8 weeks; urgent = 48 hours",
        "Email care.team@example.org, or call 01234 567890.",
        "#1 priority: a named worker",
        "1.5 hours a week isn't enough!",
        'Mum said: "they never listen" - and she\'s right',
        "Trust > targets",
    ],
)
def test_ordinary_sentences_carry_no_backslashes(sentence: str) -> None:
    assert escape(sentence) == sentence
    assert _inline_text(escape(sentence))[1] == sentence

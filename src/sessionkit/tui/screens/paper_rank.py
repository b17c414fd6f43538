"""Typing in one person's paper ranking or scoring sheet (the ``a`` key on a rank step).

A sheet has a number (``paper-1`` ...), so one sheet is one person. A ranking is picked
place by place and saved whole when the places are full or "(that's all)" is picked (esc
before then changes nothing); a score is saved as each is picked (esc keeps those).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.inputs.rank import RankInput, rankings, scores
from sessionkit.core.inputs.sort import PAPER
from sessionkit.tui.board_model import item_label
from sessionkit.tui.screens.modals import Picker, TextPrompt

DONE = "\x00done"
NONE = "\x00none"

Try = Callable[..., str | None]
"""The screen's ``_try``: a command and its fields -> ``None`` if done, else why not."""


def short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def next_sheet(engine: Engine, key: str) -> int:
    used = [*rankings(engine.state, key), *scores(engine.state, key)]
    return max((int(s[len(PAPER) :]) for s in used if s[len(PAPER) :].isdigit()), default=0) + 1


def paper_rank(screen: Any, attempt: Try) -> None:
    """Ask for a sheet number, then its ranking or its scores (``screen``: the run screen)."""
    engine: Engine = screen.engine
    key = engine.state.step_key
    _, step = engine.step_def()
    if step is None or not isinstance(step.input, RankInput):
        return
    spec = step.input
    items = engine.rank_targets(key)
    if not items:
        screen.notify("There is nothing to rank or score on this step yet.", markup=False)
        return
    labels = {item: item_label(engine, item, room=False) for item in items}

    def ranking(sheet: int, chosen: list[str]) -> None:
        if len(chosen) >= min(spec.top, len(items)):
            save(sheet, chosen)
            return
        left = [(i, short(labels[i])) for i in items if i not in chosen]

        def picked(value: str | None) -> None:
            if value is None:
                screen.notify(f"Paper sheet {sheet}: not saved.", markup=False)
            elif value == DONE:
                save(sheet, chosen)
            else:
                ranking(sheet, [*chosen, value])

        screen.app.push_screen(
            Picker(
                f"Sheet {sheet} · place {len(chosen) + 1} of {spec.top}",
                [*left, (DONE, "(that's all)")],
                hint="enter picks · esc cancels the sheet (nothing saved)",
            ),
            picked,
        )

    def save(sheet: int, chosen: list[str]) -> None:
        if not chosen:
            screen.notify(f"Paper sheet {sheet}: nothing ranked.", markup=False)
            return
        why = attempt(c.SubmitRanking, items=chosen, paper=sheet)
        if why is not None:
            screen.notify(why, severity="error", markup=False)
        else:
            screen.notify(f"Paper sheet {sheet}: ranking saved.", markup=False)

    def scoring(sheet: int, index: int) -> None:
        if index >= len(items) * len(spec.criteria):
            screen.notify(f"Paper sheet {sheet}: every item scored.", markup=False)
            return
        item, crit = items[index // len(spec.criteria)], spec.criteria[index % len(spec.criteria)]
        had = scores(engine.state, key).get(f"{PAPER}{sheet}", {}).get(item, {}).get(crit.id)
        values = [
            (
                str(v),
                str(v)
                + (f" — {crit.low_label}" if v == crit.scale_min and crit.low_label else "")
                + (f" — {crit.high_label}" if v == crit.scale_max and crit.high_label else ""),
            )
            for v in range(crit.scale_min, crit.scale_max + 1)
        ]

        def picked(value: str | None) -> None:
            if value is None:
                screen.notify(f"Paper sheet {sheet}: stopped (scores so far kept).", markup=False)
                return
            if value != NONE and value != str(had):
                why = attempt(
                    c.ScoreItem, item=item, criterion=crit.id, value=int(value), paper=sheet
                )
                if why is not None:
                    screen.notify(why, severity="error", markup=False)
                    return
            scoring(sheet, index + 1)

        screen.app.push_screen(
            Picker(
                f"Sheet {sheet} · “{short(labels[item])}” · {crit.label}",
                [*values, (NONE, "(not scored)")],
                current=None if had is None else str(had),
                hint="enter scores it · esc stops (the sheet keeps what is scored)",
            ),
            picked,
        )

    def numbered(sheet: int) -> None:
        if spec.mode == "rank":
            ranking(sheet, [])
        else:
            scoring(sheet, 0)

    ask_sheet(screen, next_sheet(engine, key), numbered)


def ask_sheet(screen: Any, suggested: int, then: Callable[[int], None]) -> None:
    """Ask which paper sheet is being typed in (``suggested``: the next unused number),
    and go on with its number; a number that cannot be one is said, not taken."""

    def numbered(text: str | None) -> None:
        if text is None:
            return
        if not text.strip().isdigit() or not 1 <= int(text) <= 999:
            screen.notify("A paper sheet's number is a whole number, 1 to 999.", markup=False)
            return
        then(int(text))

    screen.app.push_screen(
        TextPrompt(
            "Which paper sheet? (a new number for each person)",
            str(suggested),
            hint="enter starts · esc cancels",
            max_length=3,
            select=True,
        ),
        numbered,
    )

"""The run's timer options and the day's pace: what the facilitator sets about time.

* **Auto-start**: each step's countdown starts as the step starts. A plan asks for it
  with ``timer_autostart = true`` (``sessionkit run --start-timers`` for one run); the
  facilitator turns it on or off during the run (:class:`SetTimers`, journalled).
* **The signal at zero**: the TUI rings the terminal bell and flashes the countdown; a
  room page chimes. The facilitator can silence it for the run. :func:`time_up_at` is the
  hook: when the running countdown reaches zero (``None``: it is not running, or the
  signal is off), so a display can schedule its signal from the state it was sent.
* **The rest of the day**: :class:`RetimeRest` shortens or lengthens every agenda item
  after the current one by the same share, so the day ends when the facilitator needs
  it to; later steps' countdowns (and the forecast) use the new minutes.

Pure: no Textual, no HTTP, no files.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from sessionkit.core.command import Command
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import RuleContext
from sessionkit.core.plan import Plan
from sessionkit.core.state import Event, SessionState

__all__ = [
    "RetimeRest",
    "SetTimers",
    "autostart",
    "item_share",
    "rest_minutes",
    "retime",
    "set_timers",
    "signal_on",
    "time_up_at",
]


class SetTimers(Command):
    """Timer options for this run; ``None`` leaves an option as it is."""

    type: Literal["set_timers"] = "set_timers"
    autostart: bool | None = None
    signal: bool | None = None


class RetimeRest(Command):
    """Make the agenda items after the current one ``minutes`` longer (or, negative,
    shorter) in all, each by the same share of its time."""

    type: Literal["retime_rest"] = "retime_rest"
    minutes: int = Field(ge=-24 * 60, le=24 * 60)


def autostart(plan: Plan, state: SessionState) -> bool:
    """Does a step's countdown start by itself? The run's choice, else the plan's."""
    return plan.timer_autostart if state.timer_autostart is None else state.timer_autostart


def signal_on(state: SessionState) -> bool:
    return not state.timer_silenced


def time_up_at(state: SessionState) -> float | None:
    """When the running countdown reaches (or reached) zero, if the room should be told."""
    timer = state.timer
    if timer.running_since is None or state.ended_at is not None or not signal_on(state):
        return None
    return timer.running_since + timer.duration - timer.elapsed


def item_share(state: SessionState, index: int) -> float:
    """The share of its planned time agenda item ``index`` has now (1.0 unless retimed)."""
    return state.retimed.get(str(index), 100) / 100


def rest_minutes(state: SessionState, minutes: list[int]) -> float:
    """Minutes of the items after the current one (``minutes``: each item's, as timed),
    with their shares."""
    after = range(state.item + 1, len(minutes)) if state.started else range(len(minutes))
    return sum(minutes[i] * item_share(state, i) for i in after)


# ---------------------------------------------------------------- rules


def set_timers(ctx: RuleContext, cmd: SetTimers, actor: str) -> Event:
    if cmd.autostart is None and cmd.signal is None:
        raise Rejected("Nothing to change.")
    silenced = None if cmd.signal is None else not cmd.signal
    return ctx.event("timers_set", actor, autostart=cmd.autostart, silenced=silenced)


def retime(ctx: RuleContext, minutes: list[int], cmd: RetimeRest, actor: str) -> Event:
    """``minutes``: each agenda item's minutes as timed for the room now."""
    state = ctx.state
    first = state.item + 1 if state.started else 0
    rest = rest_minutes(state, minutes)
    if first >= len(minutes) or rest <= 0:
        raise Rejected("There is nothing after this item to retime.", "conflict")
    if cmd.minutes == 0:
        raise Rejected("Give the minutes to add (+10) or take off (-10).")
    if rest + cmd.minutes < len(minutes) - first:
        raise Rejected(
            f"The rest of the day has {rest:.0f} min: it cannot lose {-cmd.minutes}.", "limit"
        )
    factor = (rest + cmd.minutes) / rest
    shares = {
        str(i): max(1, round(item_share(state, i) * 100 * factor))
        for i in range(first, len(minutes))
    }
    return ctx.event("rest_retimed", actor, shares=shares, minutes=cmd.minutes)


# ---------------------------------------------------------------- folds


def fold_timers_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    if "autostart" in d:
        state.timer_autostart = bool(d["autostart"])
    if "silenced" in d:
        state.timer_silenced = bool(d["silenced"])


def fold_retimed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    for index, share in d["shares"].items():
        if int(share) == 100:
            state.retimed.pop(index, None)
        else:
            state.retimed[index] = int(share)

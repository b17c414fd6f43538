"""The timer keys beyond the countdown itself: the signal at zero, auto-start, and
retiming the rest of the day (see :mod:`sessionkit.core.timers`). Shared by the run
screen and the room view, like the other session keys."""

from __future__ import annotations

from sessionkit.core import commands as c
from sessionkit.core.agenda import clock_text
from sessionkit.core.timers import autostart, rest_minutes, signal_on
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import TextPrompt
from sessionkit.tui.timing import progress


class TimerKeys(SessionScreen):
    def action_signal(self) -> None:
        on = not signal_on(self.engine.state)
        if self.link.do(c.SetTimers, signal=on):
            self.notify(
                "The time-up signal is on." if on else "The time-up signal is off (b again).",
                markup=False,
            )

    def action_autostart(self) -> None:
        on = not autostart(self.engine.plan, self.engine.state)
        if self.link.do(c.SetTimers, autostart=on):
            self.notify(
                "Each step's countdown now starts with the step."
                if on
                else "Countdowns wait for space again.",
                markup=False,
            )

    def finish_words(self) -> str:
        p = progress(self.engine, self.now)
        if p.forecast is None:
            return f"ends {clock_text(p.day.finish)} as planned"
        return f"ends ≈{clock_text(p.forecast)} (plan {clock_text(p.day.finish)})"

    def action_retime(self) -> None:
        engine = self.engine
        minutes = [item.minutes for item in engine.room_agenda().items]
        rest = rest_minutes(engine.state, minutes)
        if rest <= 0:
            self.not_here("There is nothing after this item to shorten or lengthen.")
            return

        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                delta = int(text.strip().replace("−", "-").removesuffix("min").strip())
            except ValueError:
                self.notify(
                    f"“{text}” is not a number of minutes (e.g. -10 or +5).",
                    severity="warning",
                    markup=False,
                )
                return
            if self.link.do(c.RetimeRest, minutes=delta):
                now = rest_minutes(self.engine.state, minutes)
                self.notify(
                    f"The rest of the day is now {now:.0f} min: {self.finish_words()}.",
                    markup=False,
                )

        self.app.push_screen(
            TextPrompt(
                f"The rest of the day: {rest:.0f} min, {self.finish_words()}",
                placeholder="-10 shortens it by 10 min, +5 lengthens it",
                hint="minutes to add or take off, shared by the items after this one · "
                "enter retimes · esc cancels",
                max_length=6,
            ),
            chosen,
        )

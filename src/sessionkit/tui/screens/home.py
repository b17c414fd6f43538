"""Home: unfinished runs, session plans and the method library, with a preview.

A method's preview is :mod:`.method_preview`'s; the plan's is still here.

Type to search (the filter matches names, ids, summaries, tags and phases). Enter starts
the highlighted plan, runs the highlighted method on its own (a one-item plan made in
memory), or resumes the highlighted run.

The screen is handed what it shows (the library, a function listing unfinished runs) and
posts :mod:`sessionkit.tui.messages` for what it starts; it never calls the app.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import ClassVar, Protocol

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sessionkit.core.agenda import clock_text, time_plan
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.tui import messages
from sessionkit.tui.keys import HOME_KEYS, bindings
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.method_preview import method_preview, reflow
from sessionkit.tui.screens.modals import HelpScreen
from sessionkit.tui.screens.series_choice import choose_series
from sessionkit.tui.widgets.keybar import KeyBar
from sessionkit.tui.widgets.panels import Panel, TitleBar


class LibraryProblem(Protocol):
    """One problem in a library file (``str()`` is one line saying what is wrong)."""

    @property
    def file(self) -> object: ...


class LibraryView(Protocol):
    """What the home screen reads of a ``sessionkit.library.Library``. The TUI does not
    import the library (a sibling adapter): the CLI hands one in."""

    @property
    def plans(self) -> Mapping[str, Plan]: ...
    @property
    def methods(self) -> Mapping[str, Method]: ...
    @property
    def plan_paths(self) -> Mapping[str, Path]: ...
    @property
    def rejected_plans(self) -> Collection[str]: ...
    @property
    def problems(self) -> Sequence[LibraryProblem]: ...
    def problems_for(self, *files: Path) -> Sequence[LibraryProblem]: ...
    def timing_methods(self) -> dict[str, Method]: ...


RunsList = Callable[[], list[tuple[str, str, str]]]
"""``runs() -> [(id, title, state)]``: the unfinished runs to offer."""


def _matches(needle: str, *fields: object) -> bool:
    """Every word of the search is in one of the fields; a word ending in "e" also
    matches its "-ing" form ("vote" finds Dot Voting, "rate" finds rating)."""
    if not needle:
        return True
    haystack = " ".join(str(f) for f in fields).casefold()
    return all(
        word in haystack or (len(word) >= 4 and word.endswith("e") and word[:-1] in haystack)
        for word in needle.casefold().split()
    )


def plan_preview(plan: Plan, methods: dict[str, Method], problems: list[str]) -> Content:
    agenda = time_plan(plan, methods)
    lines: list[Content] = [one_line(plan.title, "bold")]
    days = len(agenda.days)
    items = len(agenda.items)
    lines.append(
        Content.styled(
            f"{days} day{'s' * (days != 1)} · {items} agenda items · id {plan.id} · "
            "enter starts it",
            "dim",
        )
    )
    if plan.facilitators:
        lines.append(
            Content.styled("Facilitators: ", "dim") + one_line(", ".join(plan.facilitators))
        )
    if plan.purpose:
        lines.append(Content(""))
        lines.append(literal(reflow(plan.purpose)))
    for day in agenda.days:
        lines.append(Content(""))
        head = f"Day {day.index + 1}" + (f" · {day.date:%a %d %b %Y}" if day.date else "")
        head += f" · {clock_text(day.start)}–{clock_text(day.end)}"
        title = Content.styled(head, "bold")
        if day.title:
            title += Content(" · ") + one_line(day.title)
        lines.append(title)
        for item in day.items:
            missing = item.kind == "method" and item.method is None
            style = "red" if missing else ("" if item.kind in ("method", "talk") else "dim")
            lines.append(
                Content.assemble(
                    Content.styled(f"  {clock_text(item.start)} ", "dim"),
                    one_line(item.title, style),
                    Content.styled(f"  {item.minutes} min", "dim"),
                    Content.styled("  (unknown method)", "red") if missing else "",
                )
            )
        if day.overrun_minutes:
            lines.append(
                Content.styled(
                    f"  Runs {day.overrun_minutes} min past the end of the day.", "yellow"
                )
            )
    if problems:
        lines.append(Content(""))
        lines.append(Content.styled("Problems", "bold red"))
        lines.extend(Content("• ") + literal(p) for p in problems)
    return Content("\n").join(lines)


class HomeScreen(Screen[None]):
    KEYS = HOME_KEYS
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(HOME_KEYS),
        Binding("escape", "focus_list", show=False),
    ]

    def __init__(
        self,
        library: LibraryView | None,
        runs: RunsList,
        series_names: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.list_runs = runs
        self.series_names = series_names
        self.series: str | None = None
        """The series plans started from here belong to (``None``: none)."""

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar")
        yield Input(placeholder="Search plans and methods…  (/)", id="home-filter")
        with Horizontal(id="home-main"):
            yield OptionList(id="home-list")
            with VerticalScroll(id="home-preview"):
                yield Panel(id="preview")
        yield Static(id="home-problems")
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self._show_title()
        self._runs: list[tuple[str, str, str]] = []
        self._load_runs()
        self._fill("")
        self.query_one("#home-list", OptionList).focus()
        self.query_one(KeyBar).show(self.KEYS, lambda name, params: True)
        problems = self.library.problems if self.library else []
        if problems:
            files = len({p.file for p in problems})
            self.query_one("#home-problems", Static).update(
                Content.styled(
                    f"{files} file{'s' * (files != 1)} in the library "
                    f"{'have' if files != 1 else 'has'} problems and may be missing here: "
                    "run `sessionkit check` to see them.",
                    "yellow",
                )
            )
        else:
            self.query_one("#home-problems", Static).display = False

    def on_screen_resume(self) -> None:
        self._show_title()
        self._load_runs()
        self._fill(self.query_one("#home-filter", Input).value)

    def _show_title(self) -> None:
        series = f" · runs go in series {self.series}" if self.series else ""
        self.query_one(TitleBar).show(None, 0, f"Home: choose a plan or a method{series}")

    def action_series(self) -> None:
        if self.series_names is None:
            self.notify("Series need a records folder.", severity="warning", markup=False)
            return

        def chosen(name: str | None) -> None:
            self.series = name
            self._show_title()

        choose_series(self.app, self.series_names(), self.series, chosen)

    def _load_runs(self) -> None:
        self._runs = self.list_runs()

    # ------------------------------------------------------------ list

    def _fill(self, needle: str) -> None:
        library = self.library
        options = self.query_one("#home-list", OptionList)
        previous = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        entries: list[Option] = []

        def header(text: str) -> None:
            entries.append(Option(Content.styled(text, "bold reverse"), disabled=True))

        runs = [r for r in self._runs if _matches(needle, *r)]
        if runs:
            header(" Unfinished runs ")
            for run_id, title, state in runs:
                entries.append(
                    Option(
                        Content.assemble(
                            "  ", one_line(title), Content.styled(f"  {state}", "dim")
                        ),
                        id=f"run:{run_id}",
                    )
                )
        if library is not None:
            plans = [
                p for p in library.plans.values() if _matches(needle, p.id, p.title, p.purpose)
            ]
            if plans:
                header(" Session plans ")
                for plan in sorted(plans, key=lambda p: p.title.casefold()):
                    flawed = plan.id in library.rejected_plans
                    entries.append(
                        Option(
                            Content.assemble(
                                "  ",
                                one_line(plan.title),
                                Content.styled("  (problems)", "red") if flawed else "",
                            ),
                            id=f"plan:{plan.id}",
                        )
                    )
            methods = [
                m
                for m in library.methods.values()
                if _matches(
                    needle,
                    m.id,
                    m.name,
                    m.summary,
                    m.phase.value,
                    *m.tags,
                    *(step.input.kind for step in m.steps),  # "rank", "sort", "vote"...
                )
            ]
            if methods:
                header(" Methods (run one on its own) ")
                for method in sorted(methods, key=lambda m: m.name.casefold()):
                    entries.append(
                        Option(
                            Content.assemble(
                                "  ",
                                one_line(method.name),
                                Content.styled(f"  {method.duration.typical} min", "dim"),
                            ),
                            id=f"method:{method.id}",
                        )
                    )
        if not entries:
            entries.append(
                Option(
                    Content.styled(
                        "  Nothing matches." if needle else "  No plans or methods found.", "dim"
                    ),
                    disabled=True,
                )
            )
        options.add_options(entries)
        ids = [o.id for o in entries]
        if previous is not None and previous in ids:
            options.highlighted = ids.index(previous)
        else:
            first = next((i for i, o in enumerate(entries) if not o.disabled), None)
            options.highlighted = first
        self._preview(options.highlighted_option.id if options.highlighted_option else None)

    def _preview(self, option_id: str | None) -> None:
        panel = self.query_one("#preview", Panel)
        library = self.library
        if option_id is None:
            panel.update("")
            return
        kind, _, key = option_id.partition(":")
        if kind == "method" and library is not None:
            panel.update(method_preview(library.methods[key]))
        elif kind == "plan" and library is not None:
            plan = library.plans[key]
            path = library.plan_paths.get(key)
            problems = [str(p) for p in library.problems_for(path)] if path else []
            panel.update(plan_preview(plan, library.timing_methods(), problems))
        elif kind == "run":
            run = next((r for r in self._runs if r[0] == key), None)
            if run:
                panel.update(
                    Content.assemble(
                        one_line(run[1], "bold"),
                        "\n",
                        one_line(run[2], "dim"),
                        "\n\n",
                        "An unfinished run. Enter resumes it where it stopped.",
                    )
                )
        self.query_one("#home-preview").scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#home-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option.id)

    @on(OptionList.OptionSelected, "#home-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self._start(event.option.id)

    @on(Input.Changed, "#home-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#home-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    # ------------------------------------------------------------ actions

    def _start(self, option_id: str | None) -> None:
        if not option_id:
            return
        kind, _, key = option_id.partition(":")
        library = self.library
        if kind == "plan" and library is not None:
            plan = library.plans[key]
            if key in library.rejected_plans:
                self.notify(
                    "This plan has problems (see the preview); starting it anyway.",
                    severity="warning",
                    markup=False,
                )
            self.post_message(messages.StartPlan(plan, library.timing_methods(), self.series))
        elif kind == "method" and library is not None:
            self.post_message(messages.StartMethod(library.methods[key]))
        elif kind == "run":
            self.post_message(messages.ResumeRun(key))

    def action_start(self) -> None:
        option = self.query_one("#home-list", OptionList).highlighted_option
        self._start(option.id if option else None)

    def action_filter(self) -> None:
        self.query_one("#home-filter", Input).focus()

    def action_focus_list(self) -> None:
        filter_ = self.query_one("#home-filter", Input)
        if filter_.has_focus and filter_.value:
            filter_.value = ""
        self.query_one("#home-list", OptionList).focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("Keys: home", self.KEYS))

    def action_quit_app(self) -> None:
        self.app.exit()

    def on_key(self, event: events.Key) -> None:
        # From the filter, ↓ goes to the list (the filter has nowhere to go down to).
        if event.key == "down" and self.query_one("#home-filter", Input).has_focus:
            self.query_one("#home-list", OptionList).focus()
            event.stop()

"""What a loaded library holds: the :class:`Library`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sessionkit.core.agenda import TimedAgenda, time_plan
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.library.problems import Problem

Kind = Literal["method", "plan"]
"""What a file is read as."""


@dataclass
class Library:
    """Every method and plan found, where each came from, and what was wrong.

    ``methods`` holds only methods without problems. A method file that fails (or has
    cross-field problems) is in ``rejected_methods`` (the Method when it validated, else
    None) so plans naming it get a precise message. ``plans`` holds every plan that
    validated, even if it refers to unknown methods or overruns a day: those are in
    ``problems`` (see :meth:`problems_for`).
    """

    methods: dict[str, Method] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    method_paths: dict[str, Path] = field(default_factory=dict)
    plan_paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    """Things worth knowing that are not wrong: a method overriding a bundled one, a
    method explaining why its steps do not add up to its typical length."""
    warnings: list[Problem] = field(default_factory=list)
    """Things probably wrong that do not stop a file being used: a method whose steps
    do not add up to its typical length, a plan whose steps outgrow it for its
    ``expected_people``. ``sessionkit check`` shows and counts them, and still passes."""
    rejected_methods: dict[str, Method | None] = field(default_factory=dict)
    rejected_plans: set[str] = field(default_factory=set)
    files: dict[Path, Kind] = field(default_factory=dict)
    """Every file read (resolved path) and what it was read as."""
    sources: list[tuple[str, Kind, Path]] = field(default_factory=list)
    """(level, kind, folder) for every folder searched, lowest precedence first."""

    @property
    def paths(self) -> dict[str, Path]:
        """id -> file for plans and methods (a method wins if a plan has the same id;
        use ``method_paths`` / ``plan_paths`` when you know which you want)."""
        return {**self.plan_paths, **self.method_paths}

    def file_of(self, model: Method | Plan) -> Path | None:
        """The file a loaded method or plan came from (by identity, so a plan whose id
        does not match its file name is still found)."""
        pairs: list[tuple[Method | Plan | None, Path]]
        if isinstance(model, Plan):
            pairs = [(self.plans.get(k), f) for k, f in self.plan_paths.items()]
        else:
            pairs = [
                (self.methods.get(k) or self.rejected_methods.get(k), f)
                for k, f in self.method_paths.items()
            ]
        return next((f for m, f in pairs if m is model), None)

    def problems_for(self, *files: Path) -> list[Problem]:
        wanted = {Path(f).resolve() for f in files}
        return [p for p in self.problems if Path(p.file).resolve() in wanted]

    def timing_methods(self) -> dict[str, Method]:
        """Methods to lay a plan out with: valid ones, plus those with only cross-field problems."""
        usable = {k: m for k, m in self.rejected_methods.items() if m is not None}
        return {**usable, **self.methods}

    def time(self, plan: Plan, people: int | None = None) -> TimedAgenda:
        """The plan on the clock for ``people`` (default: its ``expected_people``)."""
        return time_plan(plan, self.timing_methods(), people)

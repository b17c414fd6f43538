"""What the store raises when a run's record cannot be found or read."""

from __future__ import annotations

from pathlib import Path


class RecordError(Exception):
    """A run's record could not be found or read. ``str()`` is one line for a person."""

    def __init__(self, message: str, *, file: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.file = file
        self.line = line


def _where(path: Path, line: int | None = None) -> str:
    return f"{path}" + (f", line {line}" if line else "")

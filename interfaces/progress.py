"""Progress of the long commands (rebuild, audit export and verify, the demo), on stderr.

Rich draws a live bar on a terminal; written to a file it prints the finished bar once, so
logs stay readable. stdout stays free for what a command outputs (the audit export's lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

console = Console(stderr=True)


class Bar:
    def __init__(self, progress: Progress, description: str, total: int | None) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=total)

    def update(self, completed: int, total: int | None = None) -> None:
        self._progress.update(self._task, completed=completed, total=total)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Bar]:
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as live:
        yield Bar(live, description, total)

"""`paysync projections`: keep the read models current in a process of their own, or rebuild one.

paysync projections                 follow the log until stopped (SIGTERM or Ctrl-C),
                                    resuming each read model from its tracking position
paysync projections status          each read model's position against the end of the log
paysync projections rebuild NAME    rebuild NAME from the whole log, with a progress bar,
                                    and swap it in while the API keeps serving
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from typing import IO, Any

from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings

BAR_WIDTH = 30


def add_projections_commands(commands: Any) -> None:
    projections = commands.add_parser(
        "projections",
        help="keep the read models current (or rebuild one)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    projections.set_defaults(command=run_projections)
    actions = projections.add_subparsers(metavar="ACTION")
    status = actions.add_parser("status", help="positions of the read models")
    status.set_defaults(command=run_status)
    rebuild = actions.add_parser("rebuild", help="rebuild one read model from the whole log")
    rebuild.add_argument("name", choices=sorted(READ_MODELS))
    rebuild.set_defaults(command=run_rebuild)


def run_projections(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    paysync = bootstrap(Settings())
    try:
        positions = ", ".join(f"{n} at {p}" for n, p in paysync.read_models.positions().items())
        print(f"paysync projections: following the log ({positions})", file=sys.stderr)
        paysync.start_projections()
        paysync.start_audit_chain()  # a follower too: `serve --no-projections` leaves it here
        stopping.wait()
    finally:
        paysync.close()
    print("paysync projections: stopped", file=sys.stderr)
    return 0


def run_status(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap

    paysync = bootstrap(Settings())
    try:
        end = paysync.payments.recorder.max_notification_id() or 0
        for name, position in paysync.read_models.positions().items():
            print(f"{name}: at {position} of {end}")
    finally:
        paysync.close()
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap

    paysync = bootstrap(Settings())
    bar = ProgressBar(args.name, sys.stderr)
    try:
        applied = paysync.read_models.rebuild(args.name, progress=bar.show)
    finally:
        paysync.close()
    bar.done(applied)
    return 0


class ProgressBar:
    """Position in the log against its end: redrawn in place on a terminal, else a line per
    tenth of the way."""

    def __init__(self, name: str, stream: IO[str]) -> None:
        self.name = name
        self.stream = stream
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.shown_tenth = -1

    def show(self, position: int, end: int) -> None:
        fraction = 1.0 if end == 0 else min(1.0, position / end)
        elapsed = max(time.monotonic() - self.started, 1e-9)
        filled = int(fraction * BAR_WIDTH)
        line = (
            f"{self.name} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:6.1%} "
            f"{position:,}/{end:,} ({position / elapsed:,.0f} positions/s)"
        )
        if self.tty:
            self.stream.write("\r" + line)
        elif int(fraction * 10) > self.shown_tenth:
            self.shown_tenth = int(fraction * 10)
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, applied: int) -> None:
        elapsed = time.monotonic() - self.started
        self.stream.write(
            ("\n" if self.tty else "")
            + f"{self.name}: rebuilt from {applied:,} events in {elapsed:.1f} s and swapped in\n"
        )

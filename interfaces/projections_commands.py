"""`paysync projections`: keep the read models current in a process of their own, or rebuild one.

paysync projections                 follow the log until stopped (SIGTERM or Ctrl-C),
                                    resuming each read model from its tracking position
paysync projections status          each read model's position against the end of the log
paysync projections rebuild NAME    rebuild NAME from the whole log, with a progress bar,
                                    and swap it in while the API keeps serving
"""

from __future__ import annotations

import sys
import threading
import time
from enum import Enum
from typing import Annotated

import typer

from infrastructure.read_models.catalog import READ_MODELS
from interfaces.process import open_paysync, stop_on_signals
from interfaces.progress import progress

app = typer.Typer(
    help="Keep the read models current (with no action), show their positions, or rebuild one.",
    invoke_without_command=True,
    no_args_is_help=False,
)

ReadModelName = Enum("ReadModelName", {name: name for name in sorted(READ_MODELS)}, type=str)  # type: ignore[misc]


@app.callback(invoke_without_command=True)
def follow(ctx: typer.Context) -> None:
    """Follow the log until SIGTERM or Ctrl-C: the read models and the audit chain."""
    if ctx.invoked_subcommand is not None:
        return
    stop_on_signals()
    paysync = open_paysync()
    try:
        positions = ", ".join(f"{n} at {p}" for n, p in paysync.read_models.positions().items())
        print(f"paysync projections: following the log ({positions})", file=sys.stderr)
        paysync.start_projections()
        paysync.start_audit_chain()  # a follower too: `serve --no-projections` leaves it here
        threading.Event().wait()
    finally:
        paysync.close()
        print("paysync projections: stopped", file=sys.stderr)


@app.command()
def status() -> None:
    """Each read model's position against the end of the log."""
    paysync = open_paysync()
    try:
        end = paysync.payments.recorder.max_notification_id() or 0
        for name, position in paysync.read_models.positions().items():
            print(f"{name}: at {position} of {end}")
    finally:
        paysync.close()


@app.command()
def rebuild(
    name: Annotated[ReadModelName, typer.Argument(help="the read model to rebuild")],
) -> None:
    """Rebuild one read model from the whole log and swap it in while the API keeps serving."""
    stop_on_signals()
    paysync = open_paysync()
    started = time.monotonic()
    try:
        with progress(f"rebuilding {name.value}") as bar:
            applied = paysync.read_models.rebuild(name.value, progress=bar.update)
    finally:
        paysync.close()
    print(
        f"{name.value}: rebuilt from {applied:,} events in {time.monotonic() - started:.1f} s "
        "and swapped in",
        file=sys.stderr,
    )

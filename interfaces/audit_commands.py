"""`paysync audit ...`: the whole-history export and the tamper check, from the command line."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, TextIO

import typer

from application.audit.audit_verification import Anchor, InvalidAnchor
from interfaces.process import open_paysync, stop_on_signals
from interfaces.progress import progress

app = typer.Typer(help="Export the history; verify it was not altered.", no_args_is_help=True)


@app.command()
def export(
    company: Annotated[str | None, typer.Option(help="only this company's events")] = None,
    output: Annotated[
        Path | None, typer.Option(help="write to this file [default: stdout]")
    ] = None,
) -> None:
    """Every event as JSON lines, oldest first (progress on stderr)."""
    from interfaces.ndjson import ndjson_chunks

    stop_on_signals()
    paysync = open_paysync()
    try:
        end = paysync.payments.recorder.max_notification_id() or 0
        with ExitStack() as files, progress("exporting the history", total=end) as bar:
            out: TextIO = (
                files.enter_context(open(output, "w", encoding="utf-8")) if output else sys.stdout
            )

            def lines() -> object:
                for line in paysync.audit.export(company):
                    # The operator's export counts the shared log; a company's, its own events.
                    if company is None:
                        bar.update(line.sequence)
                    else:
                        bar.advance()
                    yield line.as_json()

            for chunk in ndjson_chunks(lines()):  # type: ignore[arg-type]
                out.write(chunk)
            bar.update(end)
            out.flush()
    finally:
        paysync.close()


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except InvalidAnchor as error:
        raise typer.BadParameter(str(error)) from None


@app.command()
def verify(
    anchor: Annotated[
        Anchor | None,
        typer.Option(
            parser=_anchor,
            metavar="NOTIFICATION_ID:HASH",
            help="a head published earlier: it must still be in the chain",
        ),
    ] = None,
) -> None:
    """Check every stored event against the hash chain; exit status 1 if any was altered."""
    stop_on_signals()
    paysync = open_paysync()
    try:
        with progress("verifying the hash chain") as bar:
            verification = paysync.audit.verify(anchor)
            bar.update(1, total=1)
    finally:
        paysync.close()
    print(json.dumps(verification.as_json()))
    if not verification.ok:
        raise typer.Exit(1)

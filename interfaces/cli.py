"""The `paysync` command line: serve the API, run the demo, print tokens, run the workers.

Built with Typer: each command group lives in a module of its own (audit_commands.py,
projections_commands.py) and is added to `app` below with one line.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import click
import typer
from pydantic import ValidationError

from infrastructure.keys import UnsafeSettings, check_keys
from infrastructure.tokens import Role, Tokens
from interfaces import audit_commands, projections_commands, reconcile_command
from interfaces.process import (
    CannotStart,
    Stopping,
    open_paysync,
    prepare,
    settings,
    stop_on_signals,
)

app = typer.Typer(
    name="paysync",
    help=__doc__.splitlines()[0] if __doc__ else None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(audit_commands.app, name="audit")
app.add_typer(projections_commands.app, name="projections")
app.command("reconcile")(reconcile_command.reconcile)

Host = Annotated[str, typer.Option(help="address to listen on")]
Port = Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)]


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    prepare(ctx.invoked_subcommand or "paysync")


@app.command()
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="leave the ERP export to `paysync worker`")
    ] = False,
    no_projections: Annotated[
        bool,
        typer.Option(
            "--no-projections",
            help="leave the read models and the audit chain to `paysync projections`",
        ),
    ] = False,
    processes: Annotated[
        int,
        typer.Option(
            help="API processes serving the port (one core each); with more than one, the "
            "ERP export and the read models run in this process, beside their supervisor",
            min=1,
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (and, by default, the ERP export and the read models)."""
    from interfaces.process import bind, check_database

    stop_on_signals()
    config = settings()
    sock = bind(host, port)  # before the slower imports: a port in use is said at once
    check_database(config)
    if processes > 1:
        serve_in_processes(sock, processes, worker=not no_worker, projections=not no_projections)
        return
    from interfaces.api.app import create_app
    from interfaces.serving import serve as serve_app

    app = create_app(
        config,
        worker=not no_worker,
        audit_chain=not no_projections,
        projections=not no_projections,
    )
    serve_app(app, sock)  # on uvicorn's fast settings (serving.FAST, ADR 0052)


def serve_in_processes(
    sock: socket.socket, processes: int, *, worker: bool, projections: bool
) -> None:
    """API processes under a supervisor (ADR 0057); the export and the read models, when asked
    for, run once, here, rather than once per API process."""
    from interfaces.serving import serve_in_processes as supervise

    paysync = open_paysync() if worker or projections else None
    try:
        if paysync is not None and worker:
            paysync.start_worker()
        if paysync is not None and projections:
            paysync.start_audit_chain()
            paysync.start_projections()
        supervise(sock, processes)
    finally:
        if paysync is not None:
            paysync.close()


@app.command()
def run(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    sandbox_port: Annotated[
        int, typer.Option(help="port of the ERP sandbox it starts", min=1, max=65535)
    ] = 8765,
) -> None:
    """All in one: the API, the ERP sandbox and a demo company."""
    from interfaces.demo import run_demo

    stop_on_signals()
    run_demo(host=host, port=port, sandbox_port=sandbox_port)


@app.command()
def token(
    subject: Annotated[str, typer.Option(help="who acts: recorded on every event")],
    role: Annotated[Role, typer.Option(help="what the token may do")],
    company: Annotated[str, typer.Option(help="the company the token acts for")],
    ttl_days: Annotated[float, typer.Option(help="days until the token expires", min=0)] = 30.0,
) -> None:
    """Print a bearer token signed with the configured key (PAYSYNC_SIGNING_KEY)."""
    config = settings()
    check_keys(config)  # a token signed with the public key is no token
    tokens = Tokens(config.signing_key)
    print(tokens.issue(subject, str(role.value), company, timedelta(days=ttl_days)))


@app.command()
def worker() -> None:
    """Run the ERP export in this process only, until SIGTERM or Ctrl-C.

    Jobs in flight are finished and recorded before it exits; any other worker may run
    beside it (jobs are leased, never exported twice)."""
    stop_on_signals()
    paysync = open_paysync()
    try:
        paysync.start_worker()
        print(f"paysync worker {paysync.export_executor.owner} exporting")
        threading.Event().wait()
    finally:
        paysync.close()
        print(f"paysync worker {paysync.export_executor.owner} stopped")


@app.command("erp-sandbox")
def erp_sandbox(
    host: Host = "127.0.0.1",
    port: Port = 8765,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="where the sandbox keeps its records [default: <PAYSYNC_DATA_DIR>/erp-sandbox]"
        ),
    ] = None,
) -> None:
    """Serve the ERP sandbox: a stand-in for the ERPs, with its own storage and faults."""
    from infrastructure.erp_sandbox.app import create_app
    from interfaces.process import bind
    from interfaces.serving import serve as serve_app

    stop_on_signals()
    folder = data_dir or settings().data_dir / "erp-sandbox"
    sock = bind(host, port)
    print(f"paysync erp-sandbox on http://{host}:{port} (data in {folder})")
    serve_app(create_app(folder), sock, graceful_seconds=1)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; its exit status. Start-up failures are one line on stderr."""
    try:
        result = app(args=list(argv) if argv is not None else None, prog_name="paysync",
                     standalone_mode=False)  # fmt: skip
    except Stopping:
        return 0
    except CannotStart as error:
        print(f"paysync: {error}", file=sys.stderr)
        return 1
    except (UnsafeSettings, ValidationError) as error:
        # One line, and never the value refused: it may be a key or a password.
        print(f"paysync: {refusal_of(error)}", file=sys.stderr)
        return 2
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        return 130
    return result if isinstance(result, int) else 0


def refusal_of(error: UnsafeSettings | ValidationError) -> str:
    if isinstance(error, UnsafeSettings):
        return str(error)
    problems = (
        f"PAYSYNC_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
        for e in error.errors(include_input=False, include_url=False)
    )
    return "the settings are not valid: " + "; ".join(problems)


if __name__ == "__main__":
    sys.exit(main())

"""The `paysync` command line: serve the API, run the demo, print tokens, run the workers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import timedelta

from infrastructure.settings import Settings
from infrastructure.tokens import Role, Tokens
from interfaces.audit_commands import add_audit_commands
from interfaces.projections_commands import add_projections_commands


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.command(args)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paysync", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the HTTP API (and, by default, the workers)")
    add_server_options(serve)
    serve.add_argument(
        "--no-worker", action="store_true", help="leave the export to `paysync worker`"
    )
    serve.add_argument(
        "--no-projections", action="store_true", help="leave read models to `paysync projections`"
    )
    serve.set_defaults(command=run_serve)

    run = commands.add_parser("run", help="all in one: API, ERP sandbox and a demo company")
    add_server_options(run)
    run.add_argument("--sandbox-port", type=int, default=8765)
    run.set_defaults(command=run_demo)

    token = commands.add_parser("token", help="print a bearer token for the configured key")
    token.add_argument("--subject", required=True, help="who acts: recorded on every event")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--company", required=True, help="the company the token acts for")
    token.add_argument("--ttl-days", type=float, default=30.0)
    token.set_defaults(command=run_token)

    worker = commands.add_parser("worker", help="run the ERP export in this process only")
    worker.set_defaults(command=run_worker)

    sandbox = commands.add_parser("erp-sandbox", help="serve the ERP sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--data-dir", default=None, help="default: <PAYSYNC_DATA_DIR>/erp-sandbox")
    sandbox.set_defaults(command=run_erp_sandbox)

    add_audit_commands(commands)
    add_projections_commands(commands)
    return parser


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from interfaces.api.app import create_app
    from interfaces.serving import FAST

    settings = Settings()
    app = create_app(
        settings,
        worker=not args.no_worker,
        audit_chain=not args.no_projections,
        projections=not args.no_projections,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **FAST)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """The ERP export on its own: follow the log, export what falls due, until stopped."""
    import signal
    import threading

    from interfaces.bootstrap import bootstrap

    paysync = bootstrap(Settings())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    paysync.start_worker()
    print(f"paysync worker {paysync.export_executor.owner} exporting", flush=True)
    try:
        stop.wait()
    finally:
        paysync.close()
    return 0


def run_token(args: argparse.Namespace) -> int:
    tokens = Tokens(Settings().signing_key)
    print(tokens.issue(args.subject, args.role, args.company, timedelta(days=args.ttl_days)))
    return 0


def run_erp_sandbox(args: argparse.Namespace) -> int:
    from pathlib import Path

    from infrastructure.erp_sandbox.server import serve

    data_dir = Path(args.data_dir) if args.data_dir else Settings().data_dir / "erp-sandbox"
    serve(host=args.host, port=args.port, data_dir=data_dir)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from interfaces.demo import run_demo as demo

    return demo(host=args.host, port=args.port, sandbox_port=args.sandbox_port)


if __name__ == "__main__":
    sys.exit(main())

"""`paysync audit ...`: the whole-history export and the tamper check, from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from typing import Any, TextIO

from application.audit_verification import Anchor, InvalidAnchor
from infrastructure.settings import Settings


def add_audit_commands(commands: Any) -> None:
    """Adds `audit export` and `audit verify` to the `paysync` command's subcommands."""
    audit = commands.add_parser("audit", help="export the history; verify it was not altered")
    actions = audit.add_subparsers(required=True, metavar="ACTION")

    export = actions.add_parser("export", help="every event as JSON lines, oldest first")
    export.add_argument("--company", default=None, help="only this company's events")
    export.add_argument("--output", default=None, help="write to this file (default: stdout)")
    export.set_defaults(command=run_export)

    verify = actions.add_parser(
        "verify", help="check every stored event against the hash chain (exit 1 if altered)"
    )
    verify.add_argument(
        "--anchor",
        type=_anchor,
        default=None,
        help="a head published earlier (NOTIFICATION_ID:HASH): it must still be in the chain",
    )
    verify.set_defaults(command=run_verify)


def run_export(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap
    from interfaces.ndjson import ndjson_chunks

    paysync = bootstrap(Settings())
    try:
        with ExitStack() as files:
            out: TextIO = (
                files.enter_context(open(args.output, "w", encoding="utf-8"))
                if args.output
                else sys.stdout
            )
            lines = (line.as_json() for line in paysync.audit.export(args.company))
            for chunk in ndjson_chunks(lines):
                out.write(chunk)
            out.flush()
    finally:
        paysync.close()
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap

    paysync = bootstrap(Settings())
    try:
        verification = paysync.audit.verify(args.anchor)
    finally:
        paysync.close()
    print(json.dumps(verification.as_json()))
    return 0 if verification.ok else 1


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except InvalidAnchor as error:
        raise argparse.ArgumentTypeError(str(error)) from None

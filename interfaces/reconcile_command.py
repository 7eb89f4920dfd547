"""`paysync reconcile`: does the company's ERP hold exactly what paysync exported?

paysync reconcile --company acme --from 2026-11-01 --to 2026-11-30 [--json]

Exit status 0 when everything reconciles, 1 when the report lists findings, 2 when the ERP
could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, TextIO

from application.ports import ErpUnreadable
from application.reconciliation import KINDS, Reconciliation, ReconciliationReport
from infrastructure.settings import Settings

UNREADABLE = 2


def add_reconcile_command(commands: Any) -> None:
    reconcile = commands.add_parser(
        "reconcile",
        help="compare the ERP's payment records with paysync's exported records",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    reconcile.add_argument("--company", required=True, help="the company to reconcile")
    reconcile.add_argument(
        "--from", dest="paid_from", type=date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    reconcile.add_argument(
        "--to", dest="paid_to", type=date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    reconcile.add_argument("--json", action="store_true", help="the report as one JSON object")
    reconcile.set_defaults(command=run_reconcile)


def run_reconcile(args: argparse.Namespace) -> int:
    from interfaces.bootstrap import bootstrap

    paysync = bootstrap(Settings())
    try:
        # Records exported a moment ago must count: bring paysync's side to the end of the log.
        paysync.read_models.followers["payment_records"].catch_up()
        reconciliation = Reconciliation(
            paysync.payments, paysync.read_models.payment_records, paysync.connectors
        )
        try:
            report = reconciliation.run(args.company, args.paid_from, args.paid_to)
        except ErpUnreadable as error:
            print(f"paysync reconcile: the ERP could not be read: {error}", file=sys.stderr)
            return UNREADABLE
    finally:
        paysync.close()
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print_table(report, sys.stdout)
    return 0 if report.ok else 1


def print_table(report: ReconciliationReport, out: TextIO) -> None:
    out.write(
        f"{report.company_id} ({report.connector}), paid {report.paid_from} to {report.paid_to}:"
        f" {report.exported_in_paysync} exported in paysync, {report.records_in_erp} in the"
        f" ERP, {report.matched} reconciled\n"
    )
    out.write("  ".join(f"{kind} {report.count(kind)}" for kind in KINDS) + "\n")
    if report.ok:
        out.write("Nothing missing, nothing twice, nothing changed.\n")
        return
    rows = [("FINDING", "PAYMENT", "ERP IDS", "CHECK", "AMOUNT", "WHAT DIFFERS")]
    for finding in report.findings:
        differs = ", ".join(
            f"{d.field}: paysync {d.paysync} / ERP {d.erp}" for d in finding.differences
        )
        rows.append(
            (
                finding.kind,
                finding.payment_id or "",
                ",".join(finding.erp_refs) or "-",
                finding.check_number or "",
                finding.amount or "",
                differs,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[-1]]).rstrip() + "\n")

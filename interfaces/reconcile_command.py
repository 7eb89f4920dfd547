"""`paysync reconcile`: does the company's ERP hold exactly what paysync exported?

paysync reconcile --company acme --from 2026-11-01 --to 2026-11-30 [--json]

Exit status 0 when everything reconciles, 1 when the report lists findings, 2 when the ERP
could not be read.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, TextIO

import typer

from application.export.reconciliation import KINDS, Reconciliation, ReconciliationReport
from application.ports import ErpUnreadable

UNREADABLE = 2


def reconcile(
    company: Annotated[str, typer.Option(help="the company to reconcile")],
    paid_from: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day paid, YYYY-MM-DD")
    ],
    paid_to: Annotated[
        datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day paid, YYYY-MM-DD")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="the report as one JSON object")] = False,
) -> int:
    """Compare the ERP's payment records with paysync's exported records.

    Exit status 0 when everything reconciles, 1 when the report lists findings, 2 when the
    ERP could not be read.
    """
    from interfaces.bootstrap import bootstrap
    from interfaces.process import check_database, settings

    config = settings()
    check_database(config)
    paysync = bootstrap(config)
    try:
        # Records exported a moment ago must count: bring paysync's side to the end of the log.
        paysync.read_models.followers["payment_records"].catch_up()
        reconciliation = Reconciliation(
            paysync.payments, paysync.read_models.payment_records, paysync.connectors
        )
        try:
            report = reconciliation.run(company, paid_from.date(), paid_to.date())
        except ErpUnreadable as error:
            print(f"paysync reconcile: the ERP could not be read: {error}", file=sys.stderr)
            raise typer.Exit(UNREADABLE) from None
    finally:
        paysync.close()
    if as_json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print_table(report, sys.stdout)
    if not report.ok:
        raise typer.Exit(1)
    return 0


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

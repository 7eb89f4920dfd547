"""The status words of the domain's enums, as a script module the pages import.

The pages compare and filter by status; spelling those words again in JavaScript would be a
second vocabulary to keep in step. `vocabulary.js` is written from the enums themselves, so a
new status or a renamed one reaches the scripts with no edit to them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache

from application.read_models.check_register import AccountStatus
from application.read_models.payment_state import CheckSource
from domain.disbursement import DisbursementStatus
from domain.export_failure import ExportFailureReason
from domain.invoice import ErpSyncStatus, PaymentStatus
from domain.invoice_payment import ExportStatus, PayoutStatus

VOCABULARIES: tuple[type[StrEnum], ...] = (
    ExportStatus,
    PayoutStatus,
    DisbursementStatus,
    ExportFailureReason,
    PaymentStatus,
    ErpSyncStatus,
    AccountStatus,
    CheckSource,
)
MODULE = "vocabulary.js"


@cache
def vocabulary_js() -> str:
    """`export const ExportStatus = Object.freeze({"FAILED_TO_EXPORT": "failed_to_export", ...});`
    for each enum: a member's name in the scripts is its name in Python."""
    lines = ["// Written by paysync from its domain's enums (interfaces/web/vocabulary.py)."]
    for vocabulary in VOCABULARIES:
        members = {member.name: member.value for member in vocabulary}
        lines.append(f"export const {vocabulary.__name__} = Object.freeze({json.dumps(members)});")
    return "\n".join(lines) + "\n"

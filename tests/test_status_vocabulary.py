"""Each status word is spelled once, in its domain enum; everything else names the member."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

from application.read_models.check_register import AccountStatus
from application.read_models.payment_state import CheckSource
from domain.disbursement import DisbursementStatus
from domain.export_failure import ExportFailureReason
from domain.invoice import ErpSyncStatus, PaymentStatus
from domain.invoice_payment import ExportStatus, PayoutStatus

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("domain", "application", "infrastructure", "interfaces")
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
# The ERP sandbox plays someone else's ERP: its words are QuickBooks', not paysync's.
OUTSIDE_PAYSYNC = ("infrastructure/erp_sandbox/",)


def status_words() -> set[str]:
    return {member.value for enum in VOCABULARIES for member in enum}


def literals_outside_enums(source: str) -> list[tuple[int, str]]:
    """The string constants of `source` that are not a member's value in an enum class."""
    tree = ast.parse(source)
    in_enum: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id.endswith("Enum") for base in node.bases
        ):
            in_enum.update(id(child) for child in ast.walk(node))
        if isinstance(node, ast.Dict):  # a key names a field ("deactivated": ...), not a status
            in_enum.update(id(key) for key in node.keys if key is not None)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in in_enum
    ]


def status_literals_in_code() -> list[str]:
    words = status_words()
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(OUTSIDE_PAYSYNC):
                continue
            for line, value in literals_outside_enums(path.read_text()):
                if value in words:
                    found.append(f"{relative}:{line}: {value!r}")
    return found


def test_no_status_word_is_spelled_outside_its_enum() -> None:
    assert status_literals_in_code() == []


def test_the_scan_finds_a_status_word_written_as_a_literal() -> None:
    source = (
        "class ExportStatus(StrEnum):\n"
        "    PENDING = 'pending'\n"
        "def f(state):\n"
        "    state.export_status = 'pending'\n"
    )
    assert literals_outside_enums(source) == [(4, "pending")]

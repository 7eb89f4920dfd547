"""What the read models remember of one invoice payment: its check numbers and its record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus, PayoutStatus


class CheckSource(StrEnum):
    """Where a check number a payment held came from."""

    ISSUED = "issued"  # by the funding account, at authorization
    TYPED = "typed"  # by a person, on a record that failed to export


@dataclass
class Failure:
    reason: ExportFailureReason
    message: str
    erp_code: str | None


@dataclass
class Retry:
    tries: int
    message: str
    erp_code: str | None
    next_try_at: str


@dataclass
class HeldCheck:
    """A check number as one payment held it: issued by the account, or typed by a person."""

    number: int
    source: CheckSource
    seq: int
    at: str
    replaced_by: int | None = None  # set when a person typed another number instead
    export_status: ExportStatus | None = None  # the record's state when it gave this one up
    failure: Failure | None = None

    def to_doc(self) -> dict[str, Any]:
        return {**self.__dict__, "failure": _failure_doc(self.failure)}


@dataclass
class PaymentState:
    payment_id: str
    invoice_id: str
    invoice_number: str
    vendor_name: str
    amount: str
    seq: int
    updated_at: str
    check: HeldCheck | None = None
    earlier_checks: list[HeldCheck] = field(default_factory=list)
    bank_id: str | None = None
    payout_status: PayoutStatus = PayoutStatus.NOT_INITIATED
    export_status: ExportStatus = ExportStatus.NOT_READY
    attempt: int = 0
    failure: Failure | None = None
    erp_payment_ref: str | None = None
    exported_at: str | None = None
    listed_seq: int | None = None  # its place in the ERP Integrations list, from funding on
    export_succeeded_at: str | None = None  # set by ExportSucceeded only (not by hand)
    exported_seq: int | None = None
    connector: str | None = None  # the connector the last export event named
    first_answer_at: str | None = None  # the ERP's first answer, success or failure
    first_answer_seq: int | None = None
    first_failed_at: str | None = None  # when it first failed: a person's fix starts here
    retry: Retry | None = None  # the last recorded retry, while pending
    marked_by_hand: bool = False

    def to_doc(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies, which took a third of a rebuild's time.
        return {
            **self.__dict__,
            "check": None if self.check is None else self.check.to_doc(),
            "earlier_checks": [check.to_doc() for check in self.earlier_checks],
            "failure": _failure_doc(self.failure),
            "retry": None if self.retry is None else dict(self.retry.__dict__),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> PaymentState:
        def held(data: dict[str, Any]) -> HeldCheck:
            status = data["export_status"]
            return HeldCheck(
                **{
                    **data,
                    "source": CheckSource(data["source"]),
                    "export_status": None if status is None else ExportStatus(status),
                    "failure": _failure(data["failure"]),
                }
            )

        return cls(
            **{
                **doc,
                "check": None if doc["check"] is None else held(doc["check"]),
                "earlier_checks": [held(c) for c in doc["earlier_checks"]],
                "payout_status": PayoutStatus(doc["payout_status"]),
                "export_status": ExportStatus(doc["export_status"]),
                "failure": _failure(doc["failure"]),
                "retry": None if doc.get("retry") is None else Retry(**doc["retry"]),
            }
        )


def failure_columns(
    failure: Failure | None,
) -> tuple[ExportFailureReason | None, str | None, str | None]:
    """A failure as the reason, message and ERP code columns of a row."""
    if failure is None:
        return None, None, None
    return failure.reason, failure.message, failure.erp_code


def _failure_doc(failure: Failure | None) -> dict[str, Any] | None:
    return None if failure is None else dict(failure.__dict__)


def _failure(data: dict[str, Any] | None) -> Failure | None:
    if data is None:
        return None
    return Failure(ExportFailureReason(data["reason"]), data["message"], data["erp_code"])

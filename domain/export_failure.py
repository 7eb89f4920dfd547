"""Why a payment record did not reach the ERP, in the words of the Failed to Export list."""

from __future__ import annotations

from enum import StrEnum


class ExportFailureReason(StrEnum):
    """The reasons a payment record can fail to export.

    The first two are the ones the support article names; the rest are what the ERPs
    answer in practice. `erp_unavailable` is the only one a later attempt may cure by
    itself; every other reason needs a person to change something first.
    """

    CHECK_NUMBER_IN_USE = "check_number_in_use"
    BANK_ID_NOT_FOUND = "bank_id_not_found"
    INVOICE_NOT_SYNCED = "invoice_not_synced"
    VENDOR_NOT_SYNCED = "vendor_not_synced"
    AMOUNT_EXCEEDS_OPEN_BALANCE = "amount_exceeds_open_balance"
    PARTIAL_PAYMENT_NOT_SUPPORTED = "partial_payment_not_supported"
    ERP_UNAVAILABLE = "erp_unavailable"
    ERP_REJECTED = "erp_rejected"

    @property
    def is_transient(self) -> bool:
        return self is ExportFailureReason.ERP_UNAVAILABLE

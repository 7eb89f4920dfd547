"""Errors the application adds to the domain's: what is not there, and what kept changing.

The same concept as domain/errors.py, one layer up (both are refusals a caller is told of).
"""

from __future__ import annotations

from domain.errors import BadInput, DomainError, RuleRefused


class NotFound(DomainError):
    """No such record in this company (records of other companies are not there either)."""


class UnknownReference(BadInput):
    """A request names a record that does not exist, e.g. an unknown invoice in a draft."""


class KeptConflicting(RuleRefused):
    """Others changed the same record on every try; the command was not carried out."""


class ErpSyncFailed(RuleRefused):
    """The ERP refused the invoice; its own words are in the message."""

    def __init__(self, message: str, reason: str, erp_code: str | None) -> None:
        super().__init__(message)
        self.reason = reason
        self.erp_code = erp_code


class ErpUnreachable(DomainError):
    """The ERP could not be reached; nothing changed, and trying again later is safe."""


class InvoiceNumberTaken(RuleRefused):
    """The vendor already has an invoice with this number in the company."""

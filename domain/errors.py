"""Every rule the domain enforces has a named error here, worded for the person who broke it.

The same concept as application/errors.py, one layer up: errors of the rules, there errors of
looking things up.

`BadInput` is a value that can never be right (a negative amount); `RuleRefused` is a command
the domain refuses in the state it is in (editing an authorized disbursement). The HTTP layer
maps the two to 422 and 409 once, so each error only has to say which rule it is.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command the domain will not carry out; `str(error)` says why, in business words."""


class BadInput(DomainError):
    """A value no state of the domain would accept."""


class RuleRefused(DomainError):
    """A command a rule of the domain refuses in the current state."""


# --- values ---------------------------------------------------------------------------------
class InvalidAmount(BadInput):
    pass


class InvalidCheckNumber(BadInput):
    pass


class InvalidText(BadInput):
    pass


class UnknownConnector(BadInput):
    pass


class InvalidConnection(BadInput):
    """A connector's connection settings that cannot reach its ERP (a name missing, a bad
    address, a secret given by value)."""


# --- invoices -------------------------------------------------------------------------------
class InvoiceNotApproved(RuleRefused):
    pass


class InvoiceAlreadyApproved(RuleRefused):
    pass


class AmountExceedsOpenAmount(RuleRefused):
    pass


class SeparationOfDutiesViolated(RuleRefused):
    pass


# --- funding accounts -----------------------------------------------------------------------
class NicknameTaken(RuleRefused):
    pass


class BankIdTaken(RuleRefused):
    pass


class CheckNumberWouldRepeat(RuleRefused):
    pass


class FundingAccountDeactivated(RuleRefused):
    pass


class CheckNumbersExhausted(RuleRefused):
    pass


# --- disbursements --------------------------------------------------------------------------
class PaymentCountOutOfRange(RuleRefused):
    pass


class InvoicePaidTwiceInDisbursement(RuleRefused):
    pass


class UnknownPayment(RuleRefused):
    pass


class DisbursementNotInDraft(RuleRefused):
    pass


class FundingNotRequested(RuleRefused):
    pass


class PayoutNotCompleted(RuleRefused):
    pass


class CancelReasonMissing(BadInput):
    pass


# --- the export -----------------------------------------------------------------------------
class PaymentNotFailedToExport(RuleRefused):
    pass


class ExportNotPending(RuleRefused):
    pass


class RetryBeforeEditing(RuleRefused):
    pass


class InvoiceStillNotSynced(RuleRefused):
    pass


class ErpSyncNotConfigured(RuleRefused):
    pass


class RelinkBeforeExporting(RuleRefused):
    """The record failed because its invoice was not synced, and it still links no bill."""


class InvalidBulkFix(BadInput):
    """A bulk fix names no record, too many, one twice, or a record with nothing to change."""

"""`If-Match` made atomic: a command runs only on the version of the record its caller saw.

The expectation is checked where the command loads the record, on every try of its
get-decide-save, and the library's version check on save does the rest: of two commands that
both saw version 5, one saves version 6 and the other, trying again, finds 6 and is refused.
Once the command's save went in, the expectation is spent, so reading the record back for the
answer is not refused. See docs/adr/0035.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from uuid import UUID

from domain.errors import DomainError


class PreconditionFailed(DomainError):
    """The record changed since the caller read it; nothing was done."""


@dataclass
class ExpectedVersion:
    aggregate_id: UUID
    version: int
    spent: bool = False


_expected: contextvars.ContextVar[ExpectedVersion | None] = contextvars.ContextVar(
    "paysync_expected_version", default=None
)


def expect_version(aggregate_id: UUID, version: int) -> None:
    """For the rest of this request, a command on `aggregate_id` needs it at `version`."""
    _expected.set(ExpectedVersion(aggregate_id, version))


def check_expected(aggregate_id: UUID, version: int) -> None:
    expected = _expected.get()
    if expected is None or expected.spent or expected.aggregate_id != aggregate_id:
        return
    if version != expected.version:
        raise PreconditionFailed(
            f"the record is at version {version}, not {expected.version} as If-Match said:"
            " read it again, then decide"
        )


def spend_expected() -> None:
    expected = _expected.get()
    if expected is not None:
        expected.spent = True

"""The article's advice, computed: start the funding account above the ERP's checks.

"If the ERP's latest check is 100, start at 10000": two more digits than the ERP's highest
check number, so years of hand-written checks in the ERP cannot catch up with paysync's.
"""

from __future__ import annotations

from collections.abc import Iterable


def highest_check_number(numbers: Iterable[str]) -> int | None:
    """The highest all-digit check number; others (EFT references...) do not collide."""
    digits = [int(number) for number in numbers if number.strip().isdigit()]
    return max(digits, default=None)


def proposed_next_check_number(
    highest_in_erp: int | None, next_check_number: int, highest_issued: int | None
) -> int | None:
    """A Next Check Number clear of the ERP's checks, or None when the current one is.

    The proposal is the power of ten with one digit more than the ERP's highest check
    number (100 -> 10000 leaves 9,900 numbers of room; 10000 -> 100000), never one the
    account may not take (at or below a number it already issued).
    """
    if highest_in_erp is None or next_check_number > highest_in_erp:
        return None
    proposal: int = 10 ** (len(str(highest_in_erp)) + 1)
    floor = max(highest_in_erp, highest_issued or 0, next_check_number - 1) + 1
    return max(proposal, floor)

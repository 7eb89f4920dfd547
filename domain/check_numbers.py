"""Check numbers: the CheckNumber value (a whole number from 1 to 99,999,999,999), and the set
of those an account has used."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Container, Iterable
from typing import NewType

from domain.command_copies import CopiedForCommands
from domain.errors import InvalidCheckNumber

# QuickBooks Desktop keeps at most 11 characters of a check number; stay inside every ERP.
MAX_CHECK_NUMBER = 99_999_999_999


CheckNumber = NewType("CheckNumber", int)
"""A check number that passed `check_number`: only that function makes one."""


def check_number(value: int | str, what: str) -> CheckNumber:
    """`value` as a check number: a whole number from 1 to 99,999,999,999."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidCheckNumber(f"{what} must be a whole number")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):  # not '²' or '①', which int() refuses
        raise InvalidCheckNumber(f"{what} must be a positive whole number, not {value!r}")
    number = int(text)
    if not 1 <= number <= MAX_CHECK_NUMBER:
        raise InvalidCheckNumber(f"{what} must be from 1 to {MAX_CHECK_NUMBER}, not {number}")
    return CheckNumber(number)


def next_unused(start: int, *used: Container[int]) -> int:
    """The first number from `start` on that none of the `used` sets holds."""
    number = start
    while any(number in numbers for numbers in used):
        number += 1
    return number


class CheckNumberSet(CopiedForCommands):
    """A set of check numbers kept as sorted, disjoint runs, so a million checks stay small."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []  # inclusive

    def __contains__(self, number: object) -> bool:  # the Container protocol
        if not isinstance(number, int):
            return False
        i = bisect_right(self._starts, number) - 1
        return i >= 0 and number <= self._ends[i]

    @property
    def highest(self) -> int | None:
        return self._ends[-1] if self._ends else None

    def add_all(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            self.add(number)

    def add(self, number: int) -> None:
        if number in self:
            return
        i = bisect_right(self._starts, number)
        joins_left = i > 0 and self._ends[i - 1] == number - 1
        joins_right = i < len(self._starts) and self._starts[i] == number + 1
        if joins_left and joins_right:
            self._ends[i - 1] = self._ends.pop(i)
            self._starts.pop(i)
        elif joins_left:
            self._ends[i - 1] = number
        elif joins_right:
            self._starts[i] = number
        else:
            self._starts.insert(i, number)
            self._ends.insert(i, number)

    def runs(self) -> list[tuple[int, int]]:
        return list(zip(self._starts, self._ends, strict=True))

    @classmethod
    def of_runs(cls, runs: Iterable[Iterable[int]]) -> CheckNumberSet:
        """The set whose runs() these were (a snapshot keeps a set as its runs)."""
        numbers = cls()
        for start, end in runs:
            if numbers._ends and start <= numbers._ends[-1] + 1:
                raise ValueError("runs must be sorted, disjoint and apart")
            if end < start:
                raise ValueError(f"run {start}-{end} ends before it starts")
            numbers._starts.append(start)
            numbers._ends.append(end)
        return numbers

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CheckNumberSet):
            return NotImplemented
        return self._starts == other._starts and self._ends == other._ends

    __hash__ = None  # type: ignore[assignment]  # mutable

"""Moments as the read models keep them: UTC ISO 8601 text of one width, sorting as time does."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def stamp(moment: datetime) -> str:
    """`moment` as stored: microseconds always written, always in UTC ('Z')."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # "+00:00" cut off rather than a naive copy made first: a fold stamps every event.
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


def moment(text: str) -> datetime:
    """A stored moment read back. `fromisoformat`, not `strptime`: a rebuild of the export
    latencies reads two per record, and `strptime` was an eighth of that rebuild."""
    return datetime.fromisoformat(text)


def start_of(day: date) -> str:
    """The first moment of a (UTC) day, as stored."""
    return stamp(datetime.combine(day, time(), UTC))


def end_of(day: date) -> str:
    """The first moment after a (UTC) day, as stored: ranges are [start_of(a), end_of(b))."""
    return stamp(datetime.combine(day + timedelta(days=1), time(), UTC))


def milliseconds_between(start: str, end: str) -> int:
    return (moment(end) - moment(start)) // timedelta(milliseconds=1)

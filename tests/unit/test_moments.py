"""Moments as the read models store them: one width of text, read back as the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from application.read_models.moments import milliseconds_between, moment, stamp

aware = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5))]),
)


@given(aware)
def test_a_stored_moment_reads_back_as_the_same_moment_in_utc(when: datetime) -> None:
    text = stamp(when)

    assert len(text) == len("2026-11-24T10:11:12.000000Z")
    assert text.endswith("Z")
    assert moment(text) == when
    assert moment(text).utcoffset() == timedelta(0)


@given(aware, aware)
def test_stored_moments_sort_and_subtract_as_the_moments_do(a: datetime, b: datetime) -> None:
    assert (stamp(a) < stamp(b)) == (a < b)
    assert milliseconds_between(stamp(a), stamp(b)) == (b - a) // timedelta(milliseconds=1)

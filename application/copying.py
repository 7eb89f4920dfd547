"""Building one frozen record from the objects that hold its fields, by name.

Snapshots copy an aggregate, read-model rows copy a folded state: the fields named alike are
copied without being written out again, and only those named differently are given, once.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@cache
def field_names(record: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(field.name for field in fields(record))


def copied(record: type[R], *sources: object, **given: object) -> R:
    """A `record` whose fields are read, by name, from the first source that has them;
    `given` holds the fields its sources name differently (or not at all)."""
    return record(**fields_of(record, *sources, **given))


def fields_of(
    record: type[DataclassInstance], *sources: object, **given: object
) -> dict[str, object]:
    """The values `copied` builds a `record` of, for a caller that parses them first (the
    API lists a stored row, whose text and 0/1 become the record's types, as its record)."""
    values = dict(given)
    for name in field_names(record):
        if name not in values:
            source = next(s for s in sources if hasattr(s, name))
            values[name] = getattr(source, name)
    return values

"""Building one frozen record from the objects that hold its fields, by name.

Snapshots copy an aggregate, read-model rows copy a folded state: the fields named alike are
copied without being written out again, and only those named differently are given, once.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from eventsourcing.domain import Aggregate

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
    plan = _plan(record, tuple(type(source) for source in sources), frozenset(given))
    if plan is None:  # not all dataclasses: look each name up on the objects
        for name in field_names(record):
            if name not in values:
                values[name] = _value_of(sources, name)
        return values
    for name, at in plan:
        values[name] = getattr(sources[at], name)
    return values


def _value_of(sources: tuple[object, ...], name: str) -> object:
    """The first source's value of `name` that has one. The last source is read without a
    look first: an aggregate's snapshot has one source, and a look and a read per field were
    two thirds of its cost."""
    for source in sources[:-1]:
        if hasattr(source, name):
            return getattr(source, name)
    return getattr(sources[-1], name)


_plans: dict[tuple[object, ...], tuple[tuple[str, int], ...] | None] = {}


def _plan(
    record: type[DataclassInstance], kinds: tuple[type, ...], given: frozenset[str]
) -> tuple[tuple[str, int], ...] | None:
    """Which source each field not given is read from, found once per record and kinds of
    sources (a rebuild copies thousands of rows of one shape: looking each field up in each
    source every time was half of the copy's cost).

    Only for sources that are all plain dataclasses: what such an object has is what its
    class declares (fields, properties, class attributes; mypy refuses any other attribute
    set on it), so the kind answers for every object. An aggregate's attributes are set by
    its events as it lives, so with one among the sources (None) each field is looked up on
    the objects, as before."""
    key = (record, kinds, given)
    plan = _plans.get(key)
    if plan is None and key not in _plans:
        if all(is_dataclass(kind) and not issubclass(kind, Aggregate) for kind in kinds):
            names = [name for name in field_names(record) if name not in given]
            plan = tuple((name, _first_with(kinds, name)) for name in names)
        _plans[key] = plan
    return plan


def _first_with(kinds: tuple[type, ...], name: str) -> int:
    for at, kind in enumerate(kinds):
        if name in getattr(kind, "__dataclass_fields__", {}) or hasattr(kind, name):
            return at
    raise TypeError(f"no source of a {name!r} field")

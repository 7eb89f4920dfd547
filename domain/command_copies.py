"""How a command gets its own copy of an aggregate: what it can change copied, the rest shared.

A command runs on a copy of the aggregate the application has cached, so that a command the
rules refuse halfway, or a save that fails, leaves the cached one as it was. The library
makes that copy with `copy.deepcopy`, which walks and rebuilds every value: 5 ms for a
disbursement of 100 payments, a quarter of the export's time in a burst of such fundings.

Everything our aggregates hold is an immutable value (text, numbers, money, moments, ids,
enums, frozen dataclasses of such values), a dict, list or tuple of them, or an object of
this kind (a disbursement's payments, a funding account's check number sets). So the copy
copies those containers and objects and shares the immutable values, which no command can
change. Anything else is handed to `deepcopy` whole, so a new kind of attribute is never
shared by mistake.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from copy import deepcopy
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

IMMUTABLE = (str, int, float, Decimal, UUID, datetime, date, time, timedelta, Enum, bytes)

# The exact types found immutable so far: looked up first, since most values are of these.
_shared: set[type] = {type(None), bool, *IMMUTABLE}


class CopiedForCommands:
    """A domain object copied, for a command to change, by `copied` (see the module)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        copy = object.__new__(type(self))
        memo[id(self)] = copy
        state = self.__dict__.copy()
        for name, value in state.items():
            if type(value) not in _shared:
                state[name] = copied(value, memo)
        copy.__dict__.update(state)
        return copy


def copied(value: Any, memo: dict[int, Any]) -> Any:
    """`value` as a command's copy holds it: the same object when nothing in it can change."""
    kind = type(value)
    if kind in _shared:
        return value
    if issubclass(kind, IMMUTABLE) or _immutable_dataclass(kind):
        _shared.add(kind)
        return value
    if id(value) in memo:  # held twice in one aggregate: copied once, held twice again
        return memo[id(value)]
    if kind is dict:
        result: Any = {key: copied(item, memo) for key, item in value.items()}
    elif kind is list:
        result = [copied(item, memo) for item in value]
    elif kind is tuple:
        items = tuple(copied(item, memo) for item in value)
        result = value if all(a is b for a, b in zip(items, value, strict=True)) else items
    elif isinstance(value, CopiedForCommands):
        return value.__deepcopy__(memo)
    elif _frozen(kind):
        changes = {
            field.name: new
            for field in dataclasses.fields(value)
            if field.init and (new := copied(old := getattr(value, field.name), memo)) is not old
        }
        result = dataclasses.replace(value, **changes) if changes else value
    else:
        return deepcopy(value, memo)
    memo[id(value)] = result
    return result


def _frozen(kind: type) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return params is not None and bool(params.frozen)


def _immutable_dataclass(kind: type) -> bool:
    """A frozen dataclass whose fields' types are all immutable: shared whatever it holds."""
    if not _frozen(kind):
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_immutable_hint(hints[field.name]) for field in dataclasses.fields(kind))


def _immutable_hint(hint: Any) -> bool:
    supertype = getattr(hint, "__supertype__", None)  # a NewType
    if supertype is not None:
        return _immutable_hint(supertype)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return all(_immutable_hint(arg) for arg in typing.get_args(hint))
    if origin is tuple:
        return all(arg is Ellipsis or _immutable_hint(arg) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return True
    if hint is type(None):
        return True
    return isinstance(hint, type) and (issubclass(hint, IMMUTABLE) or _immutable_dataclass(hint))

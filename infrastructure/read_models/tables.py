"""A read model's tables, described once for both stores by the rows they hold.

A table holds rows of one of the application's frozen dataclasses: its fields are the columns
(int fields BIGINT, the rest TEXT; NOT NULL unless the field may be None), after an `owner`
column naming the state the row was derived from. Both stores take the same DDL.
"""

from __future__ import annotations

import dataclasses
import enum
import operator
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

STATES = "states"  # every view's table of folded states: key -> JSON document


@dataclass(frozen=True)
class Table:
    suffix: str
    row: type[Any]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self.row))

    def create(self, name: str, index_prefix: str) -> list[str]:
        hints = typing.get_type_hints(self.row)
        columns = ["owner TEXT NOT NULL"] + [
            f"{field} {_column_type(hints[field])}" for field in self.fields
        ]
        return [
            f"CREATE TABLE IF NOT EXISTS {name} "
            f"({', '.join(columns)}, PRIMARY KEY ({', '.join(self.key)}))",
            f'CREATE INDEX IF NOT EXISTS "{index_prefix}_owner" ON {name} (owner)',
            *(
                f'CREATE INDEX IF NOT EXISTS "{index_prefix}_i{n}" ON {name} ({", ".join(index)})'
                for n, index in enumerate(self.indexes, start=1)
            ),
        ]

    @cached_property
    def _getter(self) -> Any:
        return operator.attrgetter(*self.fields)

    def values(self, owner: str, row: object) -> tuple[object, ...]:
        return (owner, *self._getter(row))

    @cached_property
    def _enums(self) -> dict[str, Callable[[Any], Any]]:
        """The columns holding a status word, with the enum that reads it back."""
        hints = typing.get_type_hints(self.row)
        return {
            field: kind for field in self.fields if (kind := _enum_of(hints[field])) is not None
        }

    def row_of(self, record: Mapping[str, Any]) -> Any:
        values = {field: record[field] for field in self.fields}
        for field, kind in self._enums.items():
            if values[field] is not None:
                values[field] = kind(values[field])
        return self.row(**values)


def state_table_statement(name: str) -> str:
    return f"CREATE TABLE IF NOT EXISTS {name} (key TEXT PRIMARY KEY, doc TEXT NOT NULL)"


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    kinds = [arg for arg in args if isinstance(arg, type) and issubclass(arg, enum.Enum)]
    return kinds[0] if kinds else None


def _column_type(hint: Any) -> str:
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    kinds = [arg for arg in args if arg is not type(None)]
    kind = "BIGINT" if kinds == [int] else "TEXT"
    return f"{kind} NOT NULL" if len(kinds) == len(args) else kind

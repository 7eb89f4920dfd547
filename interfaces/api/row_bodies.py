"""The API's bodies for read-model rows, made from the rows: where the two differ, said here once.

A read model's row (a frozen dataclass of application/read_models) is the one declaration of
what a listed record holds; the response model of a route listing it is generated from the
row. The API differs from the row only as declared in this module:
- `seq` and `company_id` are the store's bookkeeping (the cursor; the path names the company);
- moments, kept in the rows as UTC ISO 8601 text in fields named `..._at`, are date-times;
- the three failure columns are one nested `export_failure`, the shape the disbursement has;
- a route may rename a field (`renamed`) or add one the row does not hold (`extra`);
- a row field's `metadata["description"]` is its description in the schema.

A row whose record has a snapshot (a funding account, an invoice) is listed as that snapshot,
what the record's `GET` answers: `page_model` takes the snapshot, and the route reads its
fields from the row by name (`application.copying.fields_of`), giving only those the row
names differently.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, Field, create_model, model_validator

from application.read_models.paging import Page
from domain.invoice_payment import ExportFailure

Row = TypeVar("Row")

HIDDEN = frozenset({"seq", "company_id"})
# While pending after an unreachable ERP: the retry's columns, shown as one nested `retry`.
RETRY_COLUMNS = {
    "tries": "retry_tries",
    "message": "retry_message",
    "next_try_at": "retry_next_try_at",
}
FLAGS = frozenset({"marked_by_hand"})  # kept as 0/1 in the store, true/false in the API
FAILURE_COLUMNS = {
    "reason": "failure_reason",
    "message": "failure_message",
    "erp_code": "failure_erp_code",
}


def body_model(
    row: type[Any],
    *,
    name: str | None = None,
    renamed: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> type[BaseModel]:
    """The response model of `row`: its fields, with this module's differences."""
    renames = dict(renamed or {})
    hints = typing.get_type_hints(row)
    columns = [f.name for f in dataclasses.fields(row)]
    described = {f.name: f.metadata.get("description") for f in dataclasses.fields(row)}
    nests_failure = set(FAILURE_COLUMNS.values()) <= set(columns)
    nests_retry = set(RETRY_COLUMNS.values()) <= set(columns)
    fields: dict[str, Any] = {}
    for column in columns:
        if column in HIDDEN or (nests_failure and column in FAILURE_COLUMNS.values()):
            continue
        if nests_retry and column in RETRY_COLUMNS.values():
            continue
        api_type = _api_type(column, hints[column])
        fields[renames.get(column, column)] = (api_type, Field(description=described[column]))
    if nests_failure:
        fields["export_failure"] = (ExportFailure | None, ...)
    if nests_retry:
        fields["retry"] = (RecordRetry | None, ...)
    fields.update(extra or {})

    class RowBody(BaseModel):
        @model_validator(mode="before")
        @classmethod
        def _from_row(cls, data: Any) -> Any:
            if dataclasses.is_dataclass(data) and not isinstance(data, type):
                data = {column: getattr(data, column) for column in columns}
            if not isinstance(data, Mapping):
                return data
            values: dict[str, Any] = {renames.get(str(k), str(k)): v for k, v in data.items()}
            if nests_failure and "export_failure" not in values:
                values["export_failure"] = _failure_of(values)
            if nests_retry and "retry" not in values:
                values["retry"] = _retry_of(values)
            return values

    model: type[BaseModel] = create_model(name or row.__name__, __base__=RowBody, **fields)
    return model


def page_model(item: type[Any], name: str, **more: Any) -> type[BaseModel]:
    """A page of `item` bodies (what application.read_models.paging.Page holds), and `more`
    fields given as create_model takes them; `item` is a row's body, or the snapshot of a
    record its row lists."""
    fields: dict[str, Any] = {
        "items": (list_of(item), ...),
        "next_cursor": (str | None, ...),
        **more,
    }
    model: type[BaseModel] = create_model(name, **fields)
    return model


def listed_page(
    body: type[BaseModel], page: Page[Row], listed: Callable[[Row], dict[str, object]]
) -> BaseModel:
    """A page of rows as `body` (a `page_model` of a snapshot): `listed` gives a row's fields
    as the snapshot names them."""
    return body.model_validate(
        {"items": [listed(row) for row in page.items], "next_cursor": page.next_cursor}
    )


def list_of(item: type[Any]) -> Any:
    """`list[item]` for an item type made at run time (which a type checker cannot follow)."""
    return types.GenericAlias(list, (item,))


class RecordRetry(BaseModel):
    tries: int
    message: str
    next_try_at: datetime


def _retry_of(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if values.get(RETRY_COLUMNS["tries"]) is None:
        return None
    return {key: values[column] for key, column in RETRY_COLUMNS.items()}


def _api_type(column: str, hint: Any) -> Any:
    if column in FLAGS:
        return bool
    if column.endswith("_at"):
        return datetime | None if _optional(hint) else datetime
    return hint


def _optional(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


def _failure_of(values: Mapping[str, Any]) -> ExportFailure | None:
    if values.get(FAILURE_COLUMNS["reason"]) is None:
        return None
    return ExportFailure(
        reason=values[FAILURE_COLUMNS["reason"]],
        message=values[FAILURE_COLUMNS["message"]] or "",
        erp_code=values[FAILURE_COLUMNS["erp_code"]],
    )

"""The one set of field types every route takes: what the HTTP edge lets in, and in what shape.

Text is NFC-normalised and trimmed, holds no control, surrogate, bidirectional-override or
non-character code point (a NUL once stalled every read model on PostgreSQL), and has a
length limit. Money is an ASCII decimal string with exactly two places. Ids, versions, check
numbers and page cursors are bounded; times carry a time zone and fall within a sane range.
A request body takes only the fields it names. Every value these types let through can be
stored and projected on SQLite and PostgreSQL alike. See docs/adr/0032.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from application.read_models.paging import MAX_LIMIT
from domain.check_numbers import MAX_CHECK_NUMBER
from domain.errors import InvalidAmount
from domain.money import money

# --- text -------------------------------------------------------------------------------------
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _refused(character: str) -> bool:
    point = ord(character)
    return (
        unicodedata.category(character) in _REFUSED_CATEGORIES
        or point in _BIDI_CONTROLS
        or 0xFDD0 <= point <= 0xFDEF
        or point in (0xFFFE, 0xFFFF)
    )


# The same rule, as the schema states it to callers and to the fuzzer.
TEXT_PATTERN = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
    "\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff]*$"
)


def clean_text(value: str) -> str:
    """`value` NFC-normalised and trimmed; refused if it holds a character no field may."""
    if any(_refused(character) for character in value):
        bad = next(character for character in value if _refused(character))
        raise ValueError(f"must not contain the character U+{ord(bad):04X}")
    return unicodedata.normalize("NFC", value).strip()


class _Text:
    """Text cleaned, then bounded in length once normalised; the schema says the same.

    `required` is stated in the schema only (minLength 1): emptiness is the domain's to
    refuse, in its own words ("needs a reason")."""

    def __init__(self, max_length: int, *, required: bool) -> None:
        self.max_length = max_length
        self.required = required

    def __call__(self, value: str) -> str:
        text = clean_text(value)
        if len(text) > self.max_length:
            raise ValueError(f"must be at most {self.max_length} characters")
        return text

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self, core_schema.str_schema(strict=True)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "maxLength": self.max_length,
            "minLength": 1 if self.required else 0,
            "pattern": TEXT_PATTERN,
        }


Name = Annotated[str, _Text(200, required=True)]
"""A name people read: a vendor, an account's nickname, a project, a disbursement."""
Identifier = Annotated[str, _Text(100, required=True)]
"""A number or id from another system: an invoice number, a vendor id, a Bank ID."""
Reason = Annotated[str, _Text(500, required=True)]
"""Why something happened, in a person's or a bank's words."""
Note = Annotated[str, _Text(1000, required=False)]
"""A free note, or a reference typed by hand; may be empty."""
Url = Annotated[str, _Text(500, required=False)]
"""An address; which ones may be called is the ERP address check's business."""
QueryText = Annotated[
    str | None,
    Query(max_length=200),
    AfterValidator(lambda v: None if v is None else clean_text(v)),
]
"""Text in a query string, e.g. a vendor name to filter by."""


# --- money ------------------------------------------------------------------------------------
MONEY_PATTERN = r"^-?[0-9]{1,12}\.[0-9]{2}$"
_MONEY = re.compile(MONEY_PATTERN)


def _money_from_json(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('an amount must be a decimal string such as "1234.50", not a number')
    if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", value):
        raise ValueError(f"{value[:40]!r} has more than two decimal places")
    if not _MONEY.match(value):
        raise ValueError(
            f"{value[:40]!r} is not an amount: write it like '1234.50', ASCII digits with exactly"
            " two decimal places"
        )
    try:
        return money(value)
    except InvalidAmount as error:
        raise ValueError(str(error)) from None


Money = Annotated[
    Decimal,
    BeforeValidator(_money_from_json),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1234.50"]}),
]
"""Money in and out as a string with two places: "1234.50"."""


# --- numbers ----------------------------------------------------------------------------------
CheckNumber = Annotated[int, Field(strict=True, ge=1, le=MAX_CHECK_NUMBER)]
"""A check number in a body: a JSON whole number (not a string) an ERP can hold."""

MAX_VERSION = 2**31 - 1
Version = Annotated[
    int | None,
    Query(ge=1, le=MAX_VERSION, description="a version the record had; past the last: 404"),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="`next_cursor` of the previous page; omit for the first",
    ),
]

# --- ids --------------------------------------------------------------------------------------
COMPANY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
CompanyId = Annotated[str, Path(pattern=COMPANY_PATTERN, description="the company's id")]


# --- times ------------------------------------------------------------------------------------
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)


def _iso_text(value: Any) -> Any:
    # A bare number would be read as seconds since 1970: a time must say what it is.
    if not isinstance(value, str | datetime):
        raise ValueError("a time must be an ISO 8601 string with a timezone")
    return value


def _within_range(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time must carry a timezone, e.g. 2026-11-24T15:00:00Z")
    if not EARLIEST <= moment < LATEST:
        raise ValueError("a time must fall between the years 2000 and 2099")
    return moment


def _not_ahead(moment: datetime) -> datetime:
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("a time that has happened must not be in the future")
    return moment


_TIME_SCHEMA = WithJsonSchema({"type": "string", "format": "date-time"})
Moment = Annotated[
    datetime, BeforeValidator(_iso_text), AfterValidator(_within_range), _TIME_SCHEMA
]
"""A time with a time zone, in 2000-2099."""
PastMoment = Annotated[Moment, AfterValidator(_not_ahead)]
"""A time something happened: not more than a day ahead of this server's clock."""


def _day_in_range(day: date) -> date:
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError("a day must fall between the years 2000 and 2099")
    return day


Day = Annotated[date, AfterValidator(_day_in_range)]


# --- bodies -----------------------------------------------------------------------------------
class StrictBody(BaseModel):
    """A request body: a field it does not name is refused (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid")

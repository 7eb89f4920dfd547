"""What the auditor reads: events as recorded, aggregates as they were, export lines.

Every value is already JSON-safe (decimals, UUIDs and times as strings), so the HTTP API, the
command line and a file of JSON lines all say exactly the same thing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

# Fields every event has, shown beside `data` rather than inside it.
ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "actor", "originator_topic", "request_id"}
)

JsonValue = Any  # str | int | float | bool | None | list[JsonValue] | dict[str, JsonValue]


def json_safe(value: object) -> JsonValue:
    """The value as plain JSON: decimals, UUIDs, enums and times become strings."""
    if isinstance(value, Enum):  # first: a StrEnum is a str too
        return json_safe(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(json_safe(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=lambda item: (str(type(item)), item))
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "__dict__"):
        return public_attributes(value)
    return str(value)


def public_attributes(value: object) -> dict[str, JsonValue]:
    return {k: json_safe(v) for k, v in vars(value).items() if not k.startswith("_")}


def type_name(topic: str) -> str:
    """`domain.disbursement:Disbursement` -> `Disbursement`."""
    return topic.rpartition(":")[2].rpartition(".")[2]


@dataclasses.dataclass(frozen=True)
class AuditEvent:
    """One event of a record, as recorded: what happened, to which version, when, by whom."""

    type: str
    version: int
    timestamp: str
    actor: str | None
    data: dict[str, JsonValue]
    # The HTTP request whose command recorded the event (none for the worker's own events).
    request_id: str | None = None

    @classmethod
    def of(cls, event: Any) -> AuditEvent:
        """`event`: any of the library's aggregate events."""
        fields = vars(event)
        return cls(
            type=type(event).__name__,
            version=event.originator_version,
            timestamp=event.timestamp.isoformat(),
            actor=fields.get("actor"),
            data={k: json_safe(v) for k, v in fields.items() if k not in ENVELOPE},
            request_id=fields.get("request_id"),
        )


@dataclasses.dataclass(frozen=True)
class AuditRecord:
    """Any aggregate as it was at one version: its type and every attribute it held."""

    id: UUID
    type: str
    version: int
    created_at: str
    modified_at: str
    attributes: dict[str, JsonValue]

    @classmethod
    def of(cls, aggregate: Aggregate) -> AuditRecord:
        return cls(
            id=aggregate.id,
            type=type(aggregate).__name__,
            version=aggregate.version,
            created_at=aggregate.created_on.isoformat(),
            modified_at=aggregate.modified_on.isoformat(),
            attributes=public_attributes(aggregate),
        )


@dataclasses.dataclass(frozen=True)
class ExportLine:
    """One line of the whole-history export: an event with where it sits in the history.

    `sequence` counts the company's own events (1, 2, 3...) in a company's export; in the
    operator's export of every company it is the shared log's notification id.
    """

    sequence: int
    aggregate_id: str
    aggregate_type: str
    type: str
    version: int
    timestamp: str
    actor: str | None
    data: dict[str, JsonValue]
    request_id: str | None = None

    @classmethod
    def of(cls, sequence: int, aggregate_type: str, event: Any) -> ExportLine:
        audit_event = AuditEvent.of(event)
        return cls(
            sequence=sequence,
            aggregate_id=str(event.originator_id),
            aggregate_type=aggregate_type,
            **dataclasses.asdict(audit_event),
        )

    def as_json(self) -> dict[str, JsonValue]:
        return dataclasses.asdict(self)

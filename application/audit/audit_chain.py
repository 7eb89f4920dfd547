"""The audit hash chain: one keyed link per stored event, in notification order.

Link n is HMAC-SHA256(key, link n-1 || notification id || originator id || version || topic
|| state), over the event's bytes exactly as the recorder stored them, so that changing,
removing, moving or slipping in a stored event breaks the chain from that event on. The chain
has keys of its own (PAYSYNC_AUDIT_KEYS), each link naming the id of the key that made it, so a
key can be rotated: whoever can write the database but not read the keys cannot forge links.
See docs/adr/0008-tamper-evident-history.md and docs/adr/0031.
"""

from __future__ import annotations

import hashlib
import hmac
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, Tracking, TrackingRecorder

from application.following import Batch, BatchProjection

GENESIS = bytes(32)  # the link before the first event
KEY_PURPOSE = b"paysync/audit-chain/v1"


def chain_key(signing_key: str) -> bytes:
    """A chain key derived from the signing key: for the development run only."""
    return hmac.new(signing_key.encode(), KEY_PURPOSE, hashlib.sha256).digest()


@dataclass(frozen=True)
class ChainKeys:
    """The chain's keys by id; `current` makes new links, the others check older ones."""

    current: str
    keys: Mapping[str, bytes]

    @property
    def signing(self) -> bytes:
        return self.keys[self.current]

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def _framed(*parts: bytes) -> bytes:
    """Each part prefixed by its length, so no two different events frame to the same bytes."""
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def identity_of(originator_id: UUID | str) -> str:
    return str(originator_id)


def originator_of(identity: str) -> UUID | str:
    """Back from the chain's text to the id the recorders take (a UUID for paysync's)."""
    try:
        return UUID(identity)
    except ValueError:
        return identity


def payload_digest(key: bytes, topic: str, state: bytes) -> bytes:
    """What the event says, whatever its position: finds an event that was moved."""
    return hmac.new(key, _framed(b"payload", topic.encode(), state), hashlib.sha256).digest()


def next_link(key: bytes, previous: bytes, notification: Notification) -> bytes:
    message = previous + _framed(
        notification.id.to_bytes(8, "big"),
        identity_of(notification.originator_id).encode(),
        notification.originator_version.to_bytes(8, "big"),
        notification.topic.encode(),
        notification.state,
    )
    return hmac.new(key, message, hashlib.sha256).digest()


@dataclass(frozen=True)
class ChainLink:
    """The chain's record of one stored event."""

    notification_id: int
    originator_id: str
    originator_version: int
    payload_digest: bytes
    link: bytes
    key_id: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ChainLink:
        """A link as either store's row holds it (columns named as the fields)."""
        return cls(
            notification_id=int(row["notification_id"]),
            originator_id=str(row["originator_id"]),
            originator_version=int(row["originator_version"]),
            payload_digest=bytes(row["payload_digest"]),
            link=bytes(row["link"]),
            key_id=str(row["key_id"]),
        )

    def values(self) -> tuple[Any, ...]:
        """The fields in their order, as either store's row takes them."""
        return astuple(self)


class AuditChainStore(TrackingRecorder, ABC):
    """Where the links are kept, with the chain's tracking position."""

    @abstractmethod
    def append(self, links: Sequence[ChainLink], tracking: Tracking) -> None:
        """Add the links and record the tracking position, atomically."""

    @abstractmethod
    def head(self) -> ChainLink | None:
        """The newest link, or None before the first event."""

    @abstractmethod
    def count(self) -> int:
        """How many events the chain holds."""

    @abstractmethod
    def links(self, after: int, limit: int) -> list[ChainLink]:
        """Up to `limit` links with notification ids above `after`, in order."""

    @abstractmethod
    def link_at(self, notification_id: int) -> ChainLink | None: ...

    @abstractmethod
    def link_of(self, originator_id: str, originator_version: int) -> ChainLink | None:
        """The link of the event with this identity, wherever the chain holds it."""

    @abstractmethod
    def link_with_payload(self, digest: bytes, other_than: int) -> ChainLink | None:
        """A link, other than the one at `other_than`, of an event that says exactly this."""


class AuditChain(BatchProjection):
    """Extends the chain with each new stored event, in the batch's transaction."""

    name = "audit_chain"
    decodes_events = False

    def __init__(self, view: AuditChainStore, keys: ChainKeys) -> None:
        super().__init__(view)
        self.chain = view
        self.keys = keys

    def process_events(self, batch: Batch) -> None:
        # The follower hands over the notifications as stored: the chain covers those bytes.
        stored: list[Notification] = [notification for notification, _ in batch]
        last = batch[-1][1]
        head = self.chain.head()
        previous = GENESIS if head is None else head.link
        links = []
        key_id, key = self.keys.current, self.keys.signing
        for notification in stored:
            previous = next_link(key, previous, notification)
            links.append(
                ChainLink(
                    notification_id=notification.id,
                    originator_id=identity_of(notification.originator_id),
                    originator_version=notification.originator_version,
                    payload_digest=payload_digest(key, notification.topic, notification.state),
                    link=previous,
                    key_id=key_id,
                )
            )
        # Two followers racing on one batch both chain from the same head; the second one's
        # links and tracking collide with the first's and its transaction rolls back whole.
        self.chain.append(links, last)

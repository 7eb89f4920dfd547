"""Checking the stored events against the audit hash chain, and naming the first bad one.

The walk reads the event log and the chain side by side, a page at a time, in notification
order, up to the chain's head: constant memory whatever the length of the history. At the
first event that does not match, a few look-ups by identity and by content tell an altered
event from a deleted, a moved or a slipped-in one.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from eventsourcing.persistence import ApplicationRecorder, Notification

from application.audit.audit_chain import (
    GENESIS,
    AuditChainStore,
    ChainKeys,
    ChainLink,
    identity_of,
    next_link,
    originator_of,
    payload_digest,
)
from domain.errors import BadInput

PAGE = 1000


class Problem(StrEnum):
    ALTERED = "altered"  # the event's content, or the chain's record of it, was changed
    DELETED = "deleted"  # the event is gone
    REORDERED = "reordered"  # the event, or its content, sits at another position
    INSERTED = "inserted"  # an event the chain never saw sits among the ones it did


@dataclass(frozen=True)
class BadEvent:
    notification_id: int
    problem: Problem


class InvalidAnchor(BadInput):
    pass


@dataclass(frozen=True)
class Anchor:
    """A head published earlier: the chain must still hold this link at this position.

    Written `NOTIFICATION_ID:HASH` (the hash in hex), as verify reports the head.
    """

    notification_id: int
    link: bytes

    @classmethod
    def parse(cls, text: str) -> Anchor:
        position, _, digest = text.partition(":")
        try:
            anchor = cls(int(position), bytes.fromhex(digest))
        except ValueError:
            anchor = None
        if anchor is None or anchor.notification_id < 1 or len(anchor.link) != 32:
            raise InvalidAnchor(
                f"{text!r} is not a head verify reported: expected NOTIFICATION_ID:HASH, "
                "the hash as 64 hex digits"
            )
        return anchor

    def __str__(self) -> str:
        return f"{self.notification_id}:{self.link.hex()}"


@dataclass(frozen=True)
class Verification:
    """The outcome. `events_checked` counts the events found intact before any bad one."""

    events_checked: int
    first_bad_event: BadEvent | None
    head: Anchor | None
    # A company's view counts positions in its own history: never the shared log's ids.
    positions: str = "notification_id"
    # Snapshots are derived state outside the chain: each is checked against the events.
    snapshots_checked: int = 0
    bad_snapshots: int = 0

    @property
    def ok(self) -> bool:
        return self.first_bad_event is None and self.bad_snapshots == 0

    def as_json(self) -> dict[str, object]:
        """Names a bad event by position and kind only: never what another company recorded."""
        answer: dict[str, object] = {"ok": self.ok, "events_checked": self.events_checked}
        if self.snapshots_checked:
            answer["snapshots_checked"] = self.snapshots_checked
            answer["bad_snapshots"] = self.bad_snapshots
        if self.first_bad_event is not None:
            answer["first_bad_event"] = {
                self.positions: self.first_bad_event.notification_id,
                "problem": self.first_bad_event.problem.value,
            }
        if self.head is not None:
            answer["head"] = {
                self.positions: self.head.notification_id,
                "hash": self.head.link.hex(),
                "anchor": str(self.head),
            }
        return answer


class ChainVerifier:
    def __init__(
        self, recorder: ApplicationRecorder, chain: AuditChainStore, keys: ChainKeys
    ) -> None:
        self.recorder = recorder
        self.chain = chain
        self.keys = keys

    def _key(self, link: ChainLink) -> bytes:
        # A link naming a key this paysync does not hold cannot be checked: it never matches.
        return self.keys.key(link.key_id) or b""

    def verify(self, anchor: Anchor | None = None) -> Verification:
        head = self.chain.head()
        head_anchor = None if head is None else Anchor(head.notification_id, head.link)
        checked, bad = self._walk(0 if head is None else head.notification_id)
        if bad is None and anchor is not None:
            bad = self._against(anchor)
        return Verification(events_checked=checked, first_bad_event=bad, head=head_anchor)

    def verify_company(
        self, owner_of: Callable[[Notification | ChainLink], bool], anchor: Anchor | None = None
    ) -> Verification:
        """One company's view of the shared chain: each of its events checked against its own
        link and the stored link before it, so other companies' events are neither counted
        nor reported, and positions are the company's own (1, 2, 3...)."""
        head = self.chain.head()
        last_id = 0 if head is None else head.notification_id
        stored = self._stored(last_id)
        event = next(stored, None)
        previous, sequence, bad = GENESIS, 0, None
        own_head: Anchor | None = None
        for link in self._links():
            while event is not None and event.id < link.notification_id:
                if owner_of(event) and bad is None:
                    bad = BadEvent(sequence + 1, Problem.INSERTED)
                event = next(stored, None)
            ours = owner_of(
                event if event is not None and event.id == link.notification_id else link
            )
            if ours:
                sequence += 1
                if event is None or event.id != link.notification_id:
                    bad = bad or BadEvent(sequence, Problem.DELETED)
                elif not self._matches(link, previous, event):
                    bad = bad or BadEvent(sequence, self._mismatch(link, event))
                own_head = Anchor(sequence, link.link)
                if (
                    anchor is not None
                    and anchor.notification_id == sequence
                    and not hmac.compare_digest(link.link, anchor.link)
                ):
                    bad = bad or BadEvent(sequence, Problem.ALTERED)
            previous = link.link
            if event is not None and event.id == link.notification_id:
                event = next(stored, None)
        while event is not None:
            if owner_of(event) and bad is None:
                bad = BadEvent(sequence + 1, Problem.INSERTED)
            event = next(stored, None)
        if anchor is not None and anchor.notification_id > sequence:
            bad = bad or BadEvent(anchor.notification_id, Problem.DELETED)
        checked = sequence if bad is None else bad.notification_id - 1
        return Verification(checked, bad, own_head, positions="sequence")

    def _walk(self, last_id: int) -> tuple[int, BadEvent | None]:
        previous, checked = GENESIS, 0
        stored = self._stored(last_id)
        event = next(stored, None)
        for link in self._links():
            if event is not None and event.id < link.notification_id:
                return checked, BadEvent(event.id, Problem.INSERTED)
            if event is None or event.id > link.notification_id:
                return checked, BadEvent(link.notification_id, self._missing(link))
            if not self._matches(link, previous, event):
                return checked, BadEvent(link.notification_id, self._mismatch(link, event))
            previous, checked = link.link, checked + 1
            event = next(stored, None)
        if event is not None:  # beyond the last link, yet at or below the head
            return checked, BadEvent(event.id, Problem.INSERTED)
        return checked, None

    def _links(self) -> Iterator[ChainLink]:
        after = 0
        while page := self.chain.links(after, PAGE):
            yield from page
            after = page[-1].notification_id

    def _stored(self, last_id: int) -> Iterator[Notification]:
        start = 1
        while start <= last_id:
            page = self.recorder.select_notifications(start=start, limit=PAGE, stop=last_id)
            if not page:
                return
            yield from page
            start = page[-1].id + 1

    def _matches(self, link: ChainLink, previous: bytes, event: Notification) -> bool:
        key = self.keys.key(link.key_id)
        return key is not None and hmac.compare_digest(next_link(key, previous, event), link.link)

    def _missing(self, link: ChainLink) -> Problem:
        """No event at the link's position: moved elsewhere, or gone."""
        return Problem.REORDERED if self._still_stored(link) else Problem.DELETED

    def _mismatch(self, link: ChainLink, event: Notification) -> Problem:
        """Another event, or other content, at the link's position."""
        same_identity = (identity_of(event.originator_id), event.originator_version) == (
            link.originator_id,
            link.originator_version,
        )
        digest = payload_digest(self._key(link), event.topic, event.state)
        if same_identity:
            if digest == link.payload_digest:
                return Problem.ALTERED  # the event is intact: the chain's record was changed
            moved = self.chain.link_with_payload(digest, other_than=link.notification_id)
            return Problem.REORDERED if moved is not None else Problem.ALTERED
        chained_elsewhere = self.chain.link_of(
            identity_of(event.originator_id), event.originator_version
        )
        expected_present = self._still_stored(link)
        if chained_elsewhere is not None:
            return Problem.REORDERED if expected_present else Problem.DELETED
        return Problem.INSERTED if expected_present else Problem.ALTERED

    def _still_stored(self, link: ChainLink) -> bool:
        """Whether the event of this link is still in the store, saying what it said."""
        found = self.recorder.select_events(
            originator_of(link.originator_id),
            gt=link.originator_version - 1,
            lte=link.originator_version,
            limit=1,
        )
        return bool(found) and (
            payload_digest(self._key(link), found[0].topic, found[0].state) == link.payload_digest
        )

    def _against(self, anchor: Anchor) -> BadEvent | None:
        """A published head must still be in the chain: else the newest events were cut off."""
        link = self.chain.link_at(anchor.notification_id)
        if link is None:
            return BadEvent(anchor.notification_id, Problem.DELETED)
        if not hmac.compare_digest(link.link, anchor.link):
            return BadEvent(anchor.notification_id, Problem.ALTERED)
        return None

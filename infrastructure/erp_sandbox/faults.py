"""The misbehaviours a test can ask of the sandbox ERP, for its next ERP-shaped requests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultMode(StrEnum):
    """How the ERP misbehaves.

    `unavailable`: answers 503 at once and does nothing (an outage).
    `timeout`: does the work and keeps the answer, but holds it back long enough for the
    client to give up: the ERP holds a record the client believes was not made.
    `slow`: does the work and answers late, though within a patient client's timeout.
    """

    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    SLOW = "slow"

    @property
    def default_delay_seconds(self) -> float:
        return {"unavailable": 0.0, "timeout": 15.0, "slow": 0.5}[self.value]

    @property
    def does_the_work(self) -> bool:
        return self is not FaultMode.UNAVAILABLE


@dataclass(frozen=True)
class Fault:
    """One injected fault; it affects the next `remaining` ERP-shaped requests."""

    mode: FaultMode
    remaining: int
    delay_seconds: float

    def public_view(self) -> dict[str, object]:
        return {
            "mode": self.mode.value,
            "remaining": self.remaining,
            "delay_seconds": self.delay_seconds,
        }

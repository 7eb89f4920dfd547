"""The misbehaviours a test can ask of the sandbox ERP, for its next ERP-shaped requests."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class FaultMode(StrEnum):
    """How the ERP misbehaves.

    `unavailable`: answers 503 at once and does nothing (an outage).
    `timeout`: does the work and keeps the answer, but holds it back long enough for the
    client to give up: the ERP holds a record the client believes was not made.
    `slow`: does the work and answers late, though within a patient client's timeout.
    `reset`: closes the connection before doing anything, mid-answer.
    `drop_answer`: does the work, then closes the connection mid-answer: the ERP stored the
    record and the client never hears so.
    `garbage`: does the work, answers 200 with bytes that are no JSON.
    `truncated`: does the work, answers 200 with the first half of its body only.
    `wrong_content_type`: does the work, answers 200 with an HTML page (a proxy's, say).
    """

    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    SLOW = "slow"
    RESET = "reset"
    DROP_ANSWER = "drop_answer"
    GARBAGE = "garbage"
    TRUNCATED = "truncated"
    WRONG_CONTENT_TYPE = "wrong_content_type"

    @property
    def default_delay_seconds(self) -> float:
        return {"timeout": 15.0, "slow": 0.5}.get(self.value, 0.0)

    @property
    def does_the_work(self) -> bool:
        return self not in (FaultMode.UNAVAILABLE, FaultMode.RESET)


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


@dataclass
class FaultRate:
    """A share of all ERP-shaped requests suffers a fault picked at random from `modes`.

    Seeded, so a run can be repeated; `suffered` counts what was dealt, for the run's figures.
    """

    rate: float
    modes: tuple[FaultMode, ...]
    delays: dict[FaultMode, float]
    seed: int | None = None
    suffered: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def deal(self) -> Fault | None:
        if not self.modes or self._random.random() >= self.rate:
            return None
        mode = self._random.choice(self.modes)
        self.suffered[mode.value] += 1
        return Fault(mode, 1, self.delays.get(mode, mode.default_delay_seconds))

    def public_view(self) -> dict[str, object]:
        return {
            "rate": self.rate,
            "modes": [mode.value for mode in self.modes],
            "delays": {mode.value: delay for mode, delay in self.delays.items()},
            "seed": self.seed,
            "suffered": dict(self.suffered),
        }

"""The process's log lines: JSON on whatever stderr is at the moment a line is written."""

from __future__ import annotations

import io
import json
import logging
import sys
import time

import pytest

from interfaces import logs


def written(stream: io.StringIO) -> list[dict[str, object]]:
    logs._stop_writer()  # drains the queue into the stream
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_goes_to_the_stderr_of_its_moment_not_to_one_closed_since(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logs.configure_logging("INFO")
    try:
        monkeypatch.setattr(sys, "stderr", second)
        first.close()
        logging.getLogger("paysync.test").info("after stderr was replaced")
        lines = written(second)
    finally:
        logs._stop_writer()
        logging.getLogger().handlers[:] = []
    assert [line["event"] for line in lines] == ["after stderr was replaced"]
    assert lines[0]["logger"] == "paysync.test"
    assert lines[0]["level"] == "info"


class CountedWrites(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_a_burst_of_lines_is_written_in_order_a_batch_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = CountedWrites()
    monkeypatch.setattr(sys, "stderr", stream)
    logs.configure_logging("INFO")
    try:
        for n in range(200):
            logging.getLogger("paysync.access").info("GET /health 200 %d", n)
        lines = written(stream)
    finally:
        logs._stop_writer()
        logging.getLogger().handlers[:] = []
    assert [line["event"] for line in lines] == [f"GET /health 200 {n}" for n in range(200)]
    # One write per wake-up of the writer, not one per line (each line woke it before).
    assert stream.writes <= 5


def test_a_line_other_than_an_access_line_wakes_the_writer_without_waiting_for_its_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(logs, "WRITE_EVERY_SECONDS", 3600)
    logs.configure_logging("INFO")
    try:
        logging.getLogger("paysync.access").info("GET /health 200")
        logging.getLogger("paysync.process").warning("stopping")
        deadline = time.monotonic() + 10
        while stream.getvalue().count("\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting for the writer's thread, not asserting on time
        seen = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    finally:
        logs._stop_writer()
        logging.getLogger().handlers[:] = []
    assert seen == ["GET /health 200", "stopping"]


def test_the_writer_outlives_a_stderr_that_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed, working = io.StringIO(), io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    logs.configure_logging("INFO")
    try:
        logging.getLogger("paysync.test").warning("lost with the closed stream")
        deadline = time.monotonic() + 10
        while logs._writer is not None and not logs._writer.records.empty():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)  # waiting for the writer's thread, not asserting on time
        monkeypatch.setattr(sys, "stderr", working)
        logging.getLogger("paysync.test").warning("written once stderr works again")
        lines = written(working)
    finally:
        logs._stop_writer()
        logging.getLogger().handlers[:] = []
    assert [line["event"] for line in lines] == ["written once stderr works again"]

"""The auditor, through the HTTP API and the command line: events, records as they were, the
streamed export, and verify before and after someone edits the stored rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync
from tests.e2e.api import Api
from tests.stored_rows import StoredRows
from tests.stores import process_env

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def api(paysync: Paysync) -> Iterator[Api]:
    """The API without an ERP: the audit needs none."""
    with TestClient(create_app(paysync.settings, paysync)) as client:
        yield Api(client, paysync)


@pytest.fixture
def history(api: Api) -> dict[str, str]:
    """acme pays an invoice; globex, in between, opens an account of its own."""
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-7", sync=False)
    other = Api(api.client, api.paysync, company="globex").open_account(next_check_number=1)
    disbursement = api.funded_disbursement(account, (invoice, "400.00"))
    return {
        "account": account,
        "invoice": invoice,
        "disbursement": disbursement["id"],
        "other_account": other,
    }


def audit(api: Api, path: str, expect: int = 200, **params: Any) -> Any:
    response = api.client.get(
        f"/v1/companies/{api.company}/audit{path}",
        params=params,
        headers=api.headers("auditor", "audrey"),
    )
    assert response.status_code == expect, response.text
    return response.json()


def test_an_auditor_reads_every_event_of_a_record_oldest_first_with_actor_and_time(
    api: Api, history: dict[str, str]
) -> None:
    body = audit(api, "/events", aggregate_id=history["disbursement"])

    events = body["events"]
    assert [(e["type"], e["version"], e["actor"]) for e in events] == [
        ("DisbursementDrafted", 1, "pat"),
        ("DisbursementAuthorized", 2, "pat"),
        ("FundingCompleted", 3, "bank"),
    ]
    assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
    (payment_id,) = [p["id"] for p in api.disbursement(history["disbursement"])["payments"]]
    assert events[2]["data"] == {
        "funded_at": "2026-11-24T15:00:00+00:00",
        "payment_record_sync_enabled": False,
        "company_id": "acme",
        "payment_ids": [payment_id],
    }


def test_a_record_of_another_company_is_not_found(api: Api, history: dict[str, str]) -> None:
    audit(api, "/events", 404, aggregate_id=history["other_account"])
    audit(api, f"/records/{history['other_account']}", 404)


def test_an_auditor_reads_a_record_as_it_was_at_a_version_and_at_a_moment(
    api: Api, history: dict[str, str]
) -> None:
    path = f"/records/{history['disbursement']}"
    authorized = audit(api, "/events", aggregate_id=history["disbursement"])["events"][1]

    assert audit(api, path, version=1)["attributes"]["status"] == "draft"
    then = audit(api, path, as_of=authorized["timestamp"])
    assert (then["type"], then["version"]) == ("Disbursement", 2)
    assert then["attributes"]["status"] == "funding_requested"
    assert audit(api, path)["attributes"]["status"] == "funding_complete"


def test_version_and_as_of_together_are_refused(api: Api, history: dict[str, str]) -> None:
    audit(api, f"/records/{history['invoice']}", 422, version=1, as_of="2026-01-01T00:00:00Z")


def test_the_export_streams_only_the_companys_events_as_json_lines(
    api: Api, history: dict[str, str]
) -> None:
    url = f"/v1/companies/{api.company}/audit/export"
    with api.client.stream("GET", url, headers=api.headers("auditor")) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line]

    expected = [line.as_json() for line in api.paysync.audit.export("acme")]
    assert lines == expected
    assert history["other_account"] not in {line["aggregate_id"] for line in lines}
    assert [line["sequence"] for line in lines] == list(range(1, len(lines) + 1))
    assert set(lines[0]) == {
        "sequence",
        "aggregate_id",
        "aggregate_type",
        "type",
        "version",
        "timestamp",
        "actor",
        "data",
        "request_id",
    }


def test_verify_passes_then_names_the_altered_event_and_nothing_more(
    api: Api, history: dict[str, str]
) -> None:
    untouched = audit(api, "/verify")
    assert untouched["ok"] is True
    assert untouched["events_checked"] > 0

    rows = StoredRows(api.paysync.settings)
    acme = {line.aggregate_id for line in api.paysync.audit.export("acme")}
    acme_ids = [
        line.sequence for line in api.paysync.audit.export(None) if line.aggregate_id in acme
    ]
    target = acme_ids[3]
    rows.alter(target)

    answer = audit(api, "/verify")
    assert answer["ok"] is False
    # Named by its place in acme's own history, the fourth event: not by the shared log's id.
    assert answer["first_bad_event"] == {"sequence": 4, "problem": "altered"}
    assert set(answer) == {"ok", "events_checked", "first_bad_event", "head"}


def test_verify_checks_a_published_head(api: Api, history: dict[str, str]) -> None:
    head = audit(api, "/verify")["head"]
    assert audit(api, "/verify", anchor=head["anchor"])["ok"] is True
    forged = f"{head['sequence']}:{'0' * 64}"
    assert audit(api, "/verify", anchor=forged)["first_bad_event"]["problem"] == "altered"
    audit(api, "/verify", 422, anchor="not-a-head")


# --- the command line, as a separate process on the same store ---------------------------------
def paysync_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSYNC_")}
    env["PAYSYNC_DATA_DIR"] = str(settings.data_dir)
    env |= process_env(settings)
    if settings.database_url:
        env["PAYSYNC_DATABASE_URL"] = settings.database_url
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_paysync_audit_verify_passes_then_exits_1_naming_the_deleted_event(
    api: Api, history: dict[str, str]
) -> None:
    settings = api.paysync.settings
    passed = paysync_command(settings, "audit", "verify")
    assert passed.returncode == 0, passed.stderr
    assert json.loads(passed.stdout)["ok"] is True

    rows = StoredRows(settings)
    target = rows.ids()[2]
    rows.delete(target)

    failed = paysync_command(settings, "audit", "verify")
    assert failed.returncode == 1, failed.stderr
    assert json.loads(failed.stdout)["first_bad_event"] == {
        "notification_id": target,
        "problem": "deleted",
    }


def test_paysync_audit_export_writes_the_companys_events_to_a_file(
    api: Api, history: dict[str, str], tmp_path: Path
) -> None:
    output = tmp_path / "acme.ndjson"
    done = paysync_command(
        api.paysync.settings, "audit", "export", "--company", "acme", "--output", str(output)
    )
    assert done.returncode == 0, done.stderr

    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert lines == [line.as_json() for line in api.paysync.audit.export("acme")]


# --- tenancy: a company's verify and export say nothing about any other -------------------------
def global_ids_of(api: Api, company: str) -> list[int]:
    own = {line.aggregate_id for line in api.paysync.audit.export(company)}
    return [line.sequence for line in api.paysync.audit.export(None) if line.aggregate_id in own]


def test_a_companys_verify_counts_its_own_events_only(api: Api, history: dict[str, str]) -> None:
    answer = audit(api, "/verify")
    assert answer["ok"] is True
    assert answer["events_checked"] == len(global_ids_of(api, "acme"))
    assert answer["head"]["sequence"] == answer["events_checked"]
    busy = Api(api.client, api.paysync, company="globex")
    for n in range(5):
        busy.open_account(next_check_number=100 + n, bank_id=f"20{n}", nickname=f"G{n}")
    assert audit(api, "/verify") == answer  # others' activity changes nothing acme can see


def test_tampering_with_another_companys_event_does_not_show_in_this_companys_verify(
    api: Api, history: dict[str, str]
) -> None:
    before = audit(api, "/verify")
    rows = StoredRows(api.paysync.settings)
    rows.alter(global_ids_of(api, "globex")[0])
    assert audit(api, "/verify") == before
    assert api.paysync.audit.verify().ok is False  # the operator's whole-log check sees it


def test_a_deleted_event_of_the_company_is_named_by_its_own_position(
    api: Api, history: dict[str, str]
) -> None:
    ids = global_ids_of(api, "acme")
    assert audit(api, "/verify")["ok"] is True  # chained, as the running server chains
    StoredRows(api.paysync.settings).delete(ids[-1])
    answer = audit(api, "/verify")
    assert answer["ok"] is False
    assert answer["first_bad_event"] == {"sequence": len(ids), "problem": "deleted"}


def test_the_schema_gives_a_past_records_id_as_a_uuid_as_it_gives_the_record_itself(
    api: Api,
) -> None:
    schemas = api.client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
    ids = {
        name: schema["properties"]["id"]
        for name, schema in schemas.items()
        if "id" in schema.get("properties", {}) and "version" in schema["properties"]
    }
    assert "AuditRecord" in ids
    assert {name: id_.get("format") for name, id_ in ids.items()} == dict.fromkeys(ids, "uuid")

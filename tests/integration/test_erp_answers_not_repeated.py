"""What an ERP address answers is never echoed back to the tenant who named it.

A server that is not the ERP (a redirect, a proxy's error page, some other service on the
network) makes the record fail as erp_rejected with paysync's own short words: neither its
body nor the network's error text reaches the Failed to Export list.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from application.ports import ErpRefused
from domain.export_failure import ExportFailureReason
from infrastructure.erp.addresses import ErpAddresses
from infrastructure.erp.directory import ConnectorDirectory
from tests.integration.test_quickbooks_online_connector import a_payment_record

SECRET = "internal-admin-panel-secret"
ANSWERS = {
    "/redirect": (302, {"Location": "http://169.254.169.254/latest/meta-data"}, ""),
    "/html": (200, {"Content-Type": "text/html"}, f"<html>{SECRET}</html>"),
    "/json": (200, {"Content-Type": "application/json"}, f'{{"rows": ["{SECRET}"]}}'),
    "/missing": (404, {"Content-Type": "text/plain"}, f"no such page {SECRET}"),
}


class NotAnErp(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        prefix = "/" + self.path.split("/")[1]
        status, headers, body = ANSWERS[prefix]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def not_an_erp() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotAnErp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def directory() -> Iterator[ConnectorDirectory]:
    connectors = ConnectorDirectory(
        1.0, address_check=ErpAddresses(frozenset({"127.0.0.1"}), allow_http=True).check
    )
    yield connectors
    connectors.close()


@pytest.mark.parametrize("path", sorted(ANSWERS))
def test_an_answer_that_is_not_the_erps_is_rejected_in_paysyncs_words(
    not_an_erp: str, directory: ConnectorDirectory, path: str
) -> None:
    connector = directory.connector_for("quickbooks_online", {"base_url": f"{not_an_erp}{path}"})
    answer = connector.export_payment(a_payment_record("1"))
    assert isinstance(answer, ErpRefused)
    status = ANSWERS[path][0]
    # A success paysync cannot read may still have made the record: only a resend of the same
    # request id can tell (docs/adr/0091), so it is transient; any other answer is refused.
    expected = (
        ExportFailureReason.ERP_UNAVAILABLE if status == 200 else ExportFailureReason.ERP_REJECTED
    )
    assert answer.reason is expected
    assert "in a form paysync does not read" in answer.message
    assert SECRET not in answer.message
    assert "169.254" not in answer.message


def test_a_closed_port_and_a_dropped_connection_read_the_same(
    directory: ConnectorDirectory,
) -> None:
    with socket.socket() as closed_door, socket.socket() as rude:
        closed_door.bind(("127.0.0.1", 0))
        rude.bind(("127.0.0.1", 0))
        rude.listen()
        threading.Thread(target=lambda: rude.accept()[0].close(), daemon=True).start()
        messages = {
            directory.connector_for("quickbooks_online", {"base_url": f"http://127.0.0.1:{port}"})
            .export_payment(a_payment_record("1"))
            .message  # type: ignore[union-attr]
            for port in (closed_door.getsockname()[1], rude.getsockname()[1])
        }
    assert messages == {"Could not reach QuickBooks Online; paysync tries again"}


def test_an_address_the_operator_no_longer_allows_is_not_called(
    not_an_erp: str,
) -> None:
    narrowed = ConnectorDirectory(1.0, address_check=ErpAddresses(frozenset({"erp.example"})).check)
    try:
        answer = narrowed.connector_for("quickbooks_online", {"base_url": f"{not_an_erp}/json"})
        refused = answer.export_payment(a_payment_record("1"))
    finally:
        narrowed.close()
    assert isinstance(refused, ErpRefused)
    assert refused.reason is ExportFailureReason.ERP_REJECTED
    assert "must use https" in refused.message

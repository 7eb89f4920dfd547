"""What the sandbox does whichever ERP it speaks: its dialect list, faults on every dialect's
paths, its ERP-neutral admin paths. (QuickBooks Online's own rules: test_erp_sandbox.py.)"""

from __future__ import annotations

import pytest

from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.erp.registry import REGISTRY
from infrastructure.erp_sandbox.dialects import DIALECTS
from tests.fixtures.erp_sandbox import ErpSandbox

HTTP_DIALECTS = {
    "quickbooks_online": "/v3/company/paysync/billpayment",
    "sage_intacct": "/ia/xml/xmlgw.phtml",
    "acumatica": "/entity/Default/22.200.001/Check",
    "cmic": "/ap-rest-api/rest/1/apmanualcheque",
    "viewpoint_vista": "/ryvit/vista/v1/ap/payments",
    "yardi": "/webservices/itfvendorinvoicing.asmx",
}


def test_every_connector_paysync_offers_has_a_dialect_whose_connection_it_accepts(
    erp_sandbox: ErpSandbox,
) -> None:
    listed = {
        d["connector"]: d["connection"] for d in erp_sandbox.client.get("/sandbox/dialects").json()
    }
    assert set(listed) == {connector.value for connector in REGISTRY}
    directory = ConnectorDirectory()
    for connector, connection in listed.items():
        checked = directory.checked_connection(connector, connection, None)
        assert checked.items() >= connection.items()  # defaults may be added
    directory.close()
    assert listed["sage_intacct"]["base_url"] == erp_sandbox.base_url


@pytest.mark.parametrize(("connector", "path"), sorted(HTTP_DIALECTS.items()))
def test_an_injected_outage_hits_every_dialects_paths_and_is_counted(
    erp_sandbox: ErpSandbox, connector: str, path: str
) -> None:
    assert connector in {dialect.connector for dialect in DIALECTS}
    erp_sandbox.inject_fault("unavailable")
    assert erp_sandbox.client.post(path, content=b"{}").status_code == 503
    assert erp_sandbox.requests()[path] == 1
    assert erp_sandbox.client.get("/sandbox/faults").json()["items"] == []


def test_a_bill_keyed_into_an_erp_is_held_for_that_connector_only(erp_sandbox: ErpSandbox) -> None:
    erp_sandbox.add_vendor("V042")
    body = {"connector": "sage_300_cre", "erp_vendor_id": "V042", "amount": "250.00"}
    made = erp_sandbox.client.post("/sandbox/bills", json=body)
    assert made.status_code == 201
    (bill,) = erp_sandbox.bills()
    assert (bill["connector"], bill["erp_ref"], bill["balance"]) == (
        "sage_300_cre",
        made.json()["erp_ref"],
        "250.00",
    )


def test_a_bill_for_a_vendor_the_erp_does_not_know_is_refused_by_the_admin_path(
    erp_sandbox: ErpSandbox,
) -> None:
    body = {"connector": "yardi", "erp_vendor_id": "V999", "amount": "1.00"}
    assert erp_sandbox.client.post("/sandbox/bills", json=body).status_code == 404
    assert erp_sandbox.bills() == []

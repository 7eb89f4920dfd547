"""QuickBooks Desktop's Web Connector calls this SOAP service from the contractor's server.

Its AppURL (in the .qwc file) is this path; the methods are the Web Connector's own
(serverVersion, clientVersion, authenticate, sendRequestXML, receiveResponseXML,
getLastError, connectionError, closeConnection), parameters and results as it sends and
expects them. It authenticates with the company's Web Connector login, not a bearer token.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response

from interfaces.api.deps import PaysyncDep

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
QBWC = "http://developer.intuit.com/"

router = APIRouter(
    prefix="/v1/companies/{company_id}/quickbooks-desktop", tags=["quickbooks desktop"]
)


SOAP_XML = {"content": {"text/xml": {"schema": {"type": "string"}}}}


@router.post(
    "/web-connector",
    responses={
        200: {"description": "the method's SOAP response", **SOAP_XML},
        # SOAP 1.1 sends every fault with HTTP 500; the Web Connector reads it as such.
        500: {"description": "a SOAP fault", **SOAP_XML},
    },
)
async def web_connector(company_id: str, request: Request, paysync: PaysyncDep) -> Response:
    service = paysync.web_connector
    try:
        root = ET.fromstring(await request.body())  # noqa: S314 - expat refuses entity bombs
    except ET.ParseError:
        return _fault("the request is not a SOAP envelope")
    body = root.find(f"{{{SOAP}}}Body")
    if body is None or len(body) == 0:
        return _fault("the SOAP Body names no method")
    call = body[0]
    method = call.tag.rpartition("}")[2]

    def arg(name: str) -> str:
        return call.findtext(f"{{{QBWC}}}{name}") or call.findtext(name) or ""

    result: str | int | list[str]
    if method == "serverVersion":
        result = "paysync 1"
    elif method == "clientVersion":
        result = ""  # any Web Connector version will do
    elif method == "authenticate":
        result = service.authenticate(company_id, arg("strUserName"), arg("strPassword"))
    elif method == "sendRequestXML":
        result = service.send_request_xml(arg("ticket"))
    elif method == "receiveResponseXML":
        result = service.receive_response_xml(
            arg("ticket"), arg("response"), arg("hresult"), arg("message")
        )
    elif method == "getLastError":
        result = service.get_last_error(arg("ticket"))
    elif method == "connectionError":
        result = "done"
    elif method == "closeConnection":
        result = service.close_connection(arg("ticket"))
    else:
        return _fault(f"{method} is not a Web Connector method")
    return _answer(method, result)


def _answer(method: str, result: str | int | list[str]) -> Response:
    envelope = ET.Element(f"{{{SOAP}}}Envelope")
    reply = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{QBWC}}}{method}Response")
    value = ET.SubElement(reply, f"{{{QBWC}}}{method}Result")
    if isinstance(result, list):
        for item in result:
            ET.SubElement(value, f"{{{QBWC}}}string").text = item
    else:
        value.text = str(result)
    return Response(ET.tostring(envelope, encoding="unicode"), media_type="text/xml")


def _fault(words: str) -> Response:
    envelope = ET.Element(f"{{{SOAP}}}Envelope")
    fault = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{SOAP}}}Fault")
    ET.SubElement(fault, "faultcode").text = "soap:Client"
    ET.SubElement(fault, "faultstring").text = words
    return Response(ET.tostring(envelope, encoding="unicode"), 500, media_type="text/xml")

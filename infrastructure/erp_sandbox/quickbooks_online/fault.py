"""QuickBooks Online's refusals, in its own Fault shape and error codes."""

from __future__ import annotations

from datetime import UTC, datetime

from infrastructure.erp_sandbox.records import Answer

REQUIRED_PARAM_MISSING = "2020"
INVALID_PROPERTY = "2010"
STRING_LENGTH = "2050"
INVALID_REFERENCE_ID = "2500"
BUSINESS_VALIDATION = "6000"
DUPLICATE_DOCUMENT_NUMBER = "6140"
QUERY_PARSER = "4000"
AUTHENTICATION_FAILED = "3200"

MESSAGES = {
    REQUIRED_PARAM_MISSING: "Required param missing, need to supply the required value for the API",
    INVALID_PROPERTY: "Request has invalid or unsupported property",
    STRING_LENGTH: "String length is either shorter or longer than supported by specification",
    INVALID_REFERENCE_ID: "Invalid Reference Id",
    BUSINESS_VALIDATION: "A business validation error has occurred",
    DUPLICATE_DOCUMENT_NUMBER: "Duplicate Document Number Error",
    QUERY_PARSER: "Error parsing query",
}


def qbo_time() -> str:
    """The moment, as QuickBooks Online stamps its answers and its records' MetaData."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class QboFault(Exception):
    """A request QuickBooks Online refuses with HTTP 400 and a ValidationFault.

    `element` names the part of the request at fault (`DocNumber`, `VendorRef`, ...): it is
    how a client tells apart two refusals that share a code, such as the Invalid Reference Ids
    of an unknown vendor and of an unknown bank account.
    """

    def __init__(self, code: str, detail: str, element: str = "") -> None:
        super().__init__(f"{code} {MESSAGES[code]}: {detail}")
        self.code = code
        self.detail = detail
        self.element = element

    def answer(self) -> Answer:
        error = {
            "Message": MESSAGES[self.code],
            "Detail": self.detail,
            "code": self.code,
            "element": self.element,
        }
        return Answer(
            status=400,
            body={"Fault": {"Error": [error], "type": "ValidationFault"}, "time": qbo_time()},
        )


def authentication_failed() -> Answer:
    """What QuickBooks Online answers a request that carries no OAuth bearer token."""
    error = {
        "Message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "Detail": "Authentication failed: no bearer token in the Authorization header",
        "code": AUTHENTICATION_FAILED,
    }
    return Answer(
        status=401,
        body={"Fault": {"Error": [error], "type": "AuthenticationFault"}, "time": qbo_time()},
    )

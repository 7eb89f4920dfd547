"""The small part of QuickBooks Online's query language a connector needs to look a record up.

`select * from Bill|BillPayment [where DocNumber|Id = '...']`, as in
`select * from BillPayment where DocNumber = '100'`. Entity and keywords are case-insensitive,
a quote inside the value is escaped with a backslash, as QuickBooks Online has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infrastructure.erp_sandbox.quickbooks_online.fault import QUERY_PARSER, QboFault

QUERY = re.compile(
    r"""^\s*select\s+\*\s+from\s+(?P<entity>\w+)
        (?:\s+where\s+(?P<field>\w+)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)')?\s*;?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
ENTITIES = {"bill": "Bill", "billpayment": "BillPayment"}
FIELDS = {"docnumber": "DocNumber", "id": "Id"}


@dataclass(frozen=True)
class Query:
    entity: str  # "Bill" or "BillPayment"
    field: str | None  # "DocNumber" or "Id"
    value: str | None


def parse_query(text: str) -> Query:
    match = QUERY.match(text)
    if match is None:
        raise QboFault(QUERY_PARSER, f"QueryParserError: the sandbox cannot read {text!r}")
    entity = ENTITIES.get(match["entity"].lower())
    if entity is None:
        raise QboFault(QUERY_PARSER, f"QueryParserError: no entity {match['entity']!r} here")
    if match["field"] is None:
        return Query(entity=entity, field=None, value=None)
    field = FIELDS.get(match["field"].lower())
    if field is None:
        raise QboFault(
            QUERY_PARSER, f"QueryParserError: property {match['field']!r} cannot be queried"
        )
    value = re.sub(r"\\(.)", r"\1", match["value"])
    return Query(entity=entity, field=field, value=value)

"""The small part of QuickBooks Online's query language a connector needs to read records back.

`select * from Bill|BillPayment|Purchase [where COND [and COND]...] [startposition N]
[maxresults M]`, where COND is `DocNumber|Id|TxnDate =|<|<=|>|>= '...'`, as in
`select * from BillPayment where TxnDate >= '2026-11-01' and TxnDate <= '2026-11-30'
startposition 1 maxresults 1000`. Entity and keywords are case-insensitive, a quote inside a
value is escaped with a backslash, as QuickBooks Online has it. Like QuickBooks Online, a page
holds at most 1,000 entities, 100 when `maxresults` is not given.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from infrastructure.erp_sandbox.quickbooks_online.fault import QUERY_PARSER, QboFault

_VALUE = r"'(?:[^'\\]|\\.)*'"
_CONDITION = rf"\w+\s*(?:<=|>=|=|<|>)\s*{_VALUE}"
QUERY = re.compile(
    rf"""^\s*select\s+\*\s+from\s+(?P<entity>\w+)
        (?:\s+where\s+(?P<where>{_CONDITION}(?:\s+and\s+{_CONDITION})*))?
        (?:\s+startposition\s+(?P<start>\d+))?
        (?:\s+maxresults\s+(?P<max>\d+))?\s*;?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
CONDITION = re.compile(rf"(?P<field>\w+)\s*(?P<op><=|>=|=|<|>)\s*(?P<value>{_VALUE})")
ENTITIES = {"bill": "Bill", "billpayment": "BillPayment", "purchase": "Purchase"}
FIELDS = {"docnumber": "DocNumber", "id": "Id", "txndate": "TxnDate"}
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
DEFAULT_MAX_RESULTS = 100
MAX_RESULTS = 1000


@dataclass(frozen=True)
class Condition:
    field: str  # "DocNumber", "Id" or "TxnDate"
    op: str
    value: str

    def holds_for(self, entity: dict[str, object]) -> bool:
        held = entity.get(self.field)
        return isinstance(held, str) and OPERATORS[self.op](held, self.value)


@dataclass(frozen=True)
class Query:
    entity: str  # "Bill", "BillPayment" or "Purchase"
    conditions: tuple[Condition, ...] = ()
    start_position: int = 1  # 1-based, as QuickBooks Online counts
    max_results: int = DEFAULT_MAX_RESULTS

    def equal_to(self, field: str) -> str | None:
        """The value `field` must equal, when the query says so (lets the store look it up)."""
        for condition in self.conditions:
            if condition.field == field and condition.op == "=":
                return condition.value
        return None

    def page(self, entities: list[dict[str, object]]) -> list[dict[str, object]]:
        found = [e for e in entities if all(c.holds_for(e) for c in self.conditions)]
        start = self.start_position - 1
        return found[start : start + self.max_results]


def parse_query(text: str) -> Query:
    match = QUERY.match(text)
    if match is None:
        raise QboFault(QUERY_PARSER, f"QueryParserError: the sandbox cannot read {text!r}")
    entity = ENTITIES.get(match["entity"].lower())
    if entity is None:
        raise QboFault(QUERY_PARSER, f"QueryParserError: no entity {match['entity']!r} here")
    conditions = tuple(_condition(found) for found in CONDITION.finditer(match["where"] or ""))
    start = int(match["start"] or 1)
    max_results = int(match["max"] or DEFAULT_MAX_RESULTS)
    if start < 1 or not 1 <= max_results <= MAX_RESULTS:
        raise QboFault(
            QUERY_PARSER,
            f"QueryParserError: startposition must be 1 or more, maxresults 1 to {MAX_RESULTS}",
        )
    return Query(entity, conditions, start, max_results)


def _condition(found: re.Match[str]) -> Condition:
    field = FIELDS.get(found["field"].lower())
    if field is None:
        raise QboFault(
            QUERY_PARSER, f"QueryParserError: property {found['field']!r} cannot be queried"
        )
    value = re.sub(r"\\(.)", r"\1", found["value"][1:-1])
    return Condition(field, found["op"], value)

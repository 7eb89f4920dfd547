"""One of the racing processes: authorizes the given disbursements, 4 threads at once.

    python -m tests.reliability.authorize_all START_AT ID [ID ...]

Waits until START_AT (POSIX seconds), so the processes start together; prints the check
numbers each authorization got, as JSON. The store comes from the PAYSYNC_* environment.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from application.payments.payments import Payments
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from tests.reliability.harness import COMPANY


def main(start_at: float, ids: list[UUID]) -> None:
    payments = Payments(event_store_env(Settings()))
    try:
        time.sleep(max(0.0, start_at - time.time()))

        def authorize(disbursement: UUID) -> list[int | None]:
            view = payments.authorize(COMPANY, disbursement, "pat")
            return [payment.check_number for payment in view.payments]

        with ThreadPoolExecutor(4) as pool:
            numbers = list(pool.map(authorize, ids))
        print(json.dumps({str(i): n for i, n in zip(ids, numbers, strict=True)}))
    finally:
        payments.close()


if __name__ == "__main__":
    main(float(sys.argv[1]), [UUID(arg) for arg in sys.argv[2:]])

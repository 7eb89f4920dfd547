"""The sandbox ERP's SQLite tables, shared by every connector's routes.

Money is kept as decimal text, never as REAL. A payment's lines (bill ref and amount applied)
are kept as JSON text on the payment row, since they are only ever read with it.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS bank_accounts (bank_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS vendors (erp_vendor_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS checks (
    bank_id TEXT NOT NULL, check_number TEXT NOT NULL, PRIMARY KEY (bank_id, check_number));
CREATE TABLE IF NOT EXISTS bills (
    connector TEXT NOT NULL, erp_ref TEXT NOT NULL, doc_number TEXT,
    erp_vendor_id TEXT NOT NULL, amount TEXT NOT NULL, balance TEXT NOT NULL,
    txn_date TEXT NOT NULL, private_note TEXT, created_at TEXT NOT NULL, document TEXT NOT NULL,
    PRIMARY KEY (connector, erp_ref));
CREATE TABLE IF NOT EXISTS payments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, erp_ref TEXT NOT NULL,
    check_number TEXT, bank_id TEXT NOT NULL, erp_vendor_id TEXT NOT NULL,
    amount TEXT NOT NULL, lines TEXT NOT NULL, txn_date TEXT NOT NULL, private_note TEXT,
    created_at TEXT NOT NULL, document TEXT NOT NULL, UNIQUE (connector, erp_ref));
CREATE INDEX IF NOT EXISTS payments_by_check ON payments (bank_id, check_number);
CREATE TABLE IF NOT EXISTS answers (
    connector TEXT NOT NULL, scope TEXT NOT NULL, request_id TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (connector, scope, request_id));
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT, mode TEXT NOT NULL, remaining INTEGER NOT NULL,
    delay_seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS requests_seen (path TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

# Sequences survive a reset on purpose: an ERP ref handed out before a reset never names a
# different record after it.
WIPED_BY_RESET = (
    "bank_accounts", "vendors", "checks", "bills", "payments", "answers", "faults",
    "requests_seen",
)  # fmt: skip

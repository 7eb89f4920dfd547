"""The audit room's storage: the audit hash chain on SQLite and on PostgreSQL."""

"""The export room's storage: the export queue on SQLite and on PostgreSQL."""

"""The read models' views on SQLite and PostgreSQL (see application/read_models)."""

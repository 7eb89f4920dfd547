"""A separate server standing in for the ERPs, each spoken to in its own request shape.

`python -m infrastructure.erp_sandbox` or `server.serve()` runs it; `app.create_app()` builds it.
"""

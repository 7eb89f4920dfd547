"""The application layer: its rooms (payments, export, audit, read_models) and shared kernel."""

from application.former_topics import register_former_topics

register_former_topics()

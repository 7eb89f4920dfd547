"""The store room: the event store, its connection pool, wake-ups, hot-aggregate locks, views."""

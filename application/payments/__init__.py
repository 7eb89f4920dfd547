"""The payments room: the Payments application's commands and queries, and what they stand on."""

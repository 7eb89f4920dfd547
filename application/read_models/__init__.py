"""The read models room: projections folding the log into the rows pages and reports read."""

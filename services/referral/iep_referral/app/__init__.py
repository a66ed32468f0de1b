"""Command handling against the event store, and the service's own query table."""

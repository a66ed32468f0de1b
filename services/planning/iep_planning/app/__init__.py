"""Command handling, the process manager, deadline timers and the query tables."""

"""Command handling, the process manager, timers and query tables of services delivery."""

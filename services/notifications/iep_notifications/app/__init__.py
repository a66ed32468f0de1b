"""The notifications application: the process manager that turns events into notices,
composing, queueing, delivering, the digest, and the query tables."""

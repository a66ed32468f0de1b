"""The audit service's application room: the store, its queries, verification, as-of."""

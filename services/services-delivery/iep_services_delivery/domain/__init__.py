"""The services-delivery domain: pure values, events, rules and deciders (no I/O)."""

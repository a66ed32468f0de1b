"""The notifications domain: notices as events, the message kinds and the rules of
delivery. Pure: no I/O, no clock."""

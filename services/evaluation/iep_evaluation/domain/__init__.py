"""The evaluation's domain: events, commands, rules and the decider. Pure: no I/O."""

"""Pure domain: events, commands, rules and the decider of a student's planning case."""

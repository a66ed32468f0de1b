"""The referral domain: events, commands, legal rules and the decider. Pure: no I/O."""

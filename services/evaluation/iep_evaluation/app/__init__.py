"""Command handling, the referral process manager, deadlines and the query tables."""

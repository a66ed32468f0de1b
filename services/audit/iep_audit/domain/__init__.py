"""The audit service's pure rooms: the audited event, chain checks, the as-of fold. No I/O."""

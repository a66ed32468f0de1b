"""What every part of the application needs: the district's rules, its today, stream ids."""

from __future__ import annotations

import uuid
from datetime import date

from iep_kernel.runtime import ServiceRuntime

from iep_evaluation.domain import rules
from iep_evaluation.domain.rules import EvaluationRules

# Evaluation ids are derived from referral ids, so a consent delivered twice opens one.
_IDS = uuid.UUID("5b0e7f0c-3c1e-4f57-9a57-0c1d2f6b7e01")


def evaluation_id_for(referral_id: str) -> str:
    return str(uuid.uuid5(_IDS, f"referral/{referral_id}"))


def stream_of(evaluation_id: str) -> str:
    return f"evaluation-{evaluation_id}"


def rules_of(runtime: ServiceRuntime) -> EvaluationRules:
    """The district's rules, read from the environment once per running service."""
    return runtime.settings_of(EvaluationRules)


def today(runtime: ServiceRuntime) -> date:
    """The district's date by the service clock."""
    return rules.local_today(runtime.clock.now(), rules_of(runtime))


def late_entry_days(runtime: ServiceRuntime) -> int:
    """The district's late-entry window: an act recorded later than this many days after it
    happened needs a late_entry_reason (IEP_LATE_ENTRY_DAYS)."""
    return runtime.settings.late_entry_days

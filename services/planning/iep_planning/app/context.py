"""What every part of the application needs: the district's rules, its today, stream ids."""

from __future__ import annotations

import uuid
from datetime import date

from iep_kernel.runtime import ServiceRuntime

from iep_planning.domain import rules
from iep_planning.domain.rules import PlanningRules

# One planning case per student: its id is derived from the student's, so a determination
# delivered twice, or a reevaluation, finds the same case.
_IDS = uuid.UUID("8d3f3c1e-6a51-4c0e-9a3b-2f6e1d7c4b90")


def case_id_for(student_id: str) -> str:
    return str(uuid.uuid5(_IDS, f"student/{student_id}"))


def stream_of(case_id: str) -> str:
    return f"planning-{case_id}"


def rules_of(runtime: ServiceRuntime) -> PlanningRules:
    """The district's rules, read from the environment once per running service."""
    return runtime.settings_of(PlanningRules)


def today(runtime: ServiceRuntime) -> date:
    """The district's date by the service clock."""
    return rules.local_today(runtime.clock.now(), rules_of(runtime))

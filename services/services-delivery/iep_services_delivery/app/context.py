"""What every part of the application needs: the district's rules, its today, stream ids."""

from __future__ import annotations

from datetime import date

from iep_kernel.runtime import ServiceRuntime

from iep_services_delivery.domain import rules
from iep_services_delivery.domain.rules import DeliveryRules

NAME = "services-delivery"


def stream_of(student_id: str) -> str:
    """One stream per student: schedules, sessions and reports share one consistency
    boundary (a session is checked against its schedule, a report against the sessions)."""
    return f"delivery-{student_id}"


def rules_of(runtime: ServiceRuntime) -> DeliveryRules:
    return runtime.settings_of(DeliveryRules)


def today(runtime: ServiceRuntime) -> date:
    return rules.local_today(runtime.clock.now(), rules_of(runtime))

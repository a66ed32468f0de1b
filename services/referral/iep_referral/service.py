"""The referral service as the kernel runs it (entry point `iep.services: referral`).

Its worker runs only the kernel's parts: the relay to `iep.referral.events` and the
records-destruction handler. It consumes no other service's events.
"""

from pathlib import Path

from iep_kernel.service import ServiceSpec

from iep_referral.api import router
from iep_referral.domain.events import registry

service = ServiceSpec(
    name="referral", registry=registry, router=router,
    migrations=Path(__file__).parent / "migrations",
    summary="Referrals, procedural safeguards, prior written notice and consent to evaluate")

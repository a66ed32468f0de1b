"""The message kinds: who each is for, and the rule that calls for it.

One Jinja2 template per kind (`templates/<kind>.j2`), in every language with a catalog.
"""

from dataclasses import dataclass
from typing import Literal

Audience = Literal["guardian", "staff"]


@dataclass(frozen=True)
class Kind:
    name: str
    audience: Audience
    legal_basis: str  # the regulation that requires it, or "district policy"
    legally_required: bool


_KINDS = (
    Kind("procedural_safeguards", "guardian", "34 CFR 300.504", True),
    Kind("prior_written_notice", "guardian", "34 CFR 300.503", True),
    Kind("consent_request", "guardian", "34 CFR 300.300(a), 300.9", True),
    Kind("meeting_notice", "guardian", "34 CFR 300.322", True),
    Kind("plan_copy", "guardian", "34 CFR 300.322(f)", True),
    Kind("progress_report", "guardian", "34 CFR 300.320(a)(3)(ii)", True),
    Kind("dispute_acknowledgement", "guardian", "34 CFR 300.507-300.510; district policy",
         False),
    Kind("deadline_notice", "guardian", "34 CFR 300.303", False),
    # A guardian the district added: their access to the records (300.613) and, as for a
    # new parent, the procedural safeguards (300.504); the others told of the change.
    Kind("record_access", "guardian", "34 CFR 300.613, 300.504; district policy", False),
    Kind("guardians_changed", "guardian", "34 CFR 300.613; district policy", False),
    Kind("deadline_approaching", "staff", "district policy", False),
    Kind("deadline_overdue", "staff", "district policy", False),
    Kind("daily_digest", "staff", "district policy", False),
)
KINDS: dict[str, Kind] = {k.name: k for k in _KINDS}

"""What someone (or the worker) asks of an evaluation, in the imperative. One type per step.

Commands that depend on the district's rules or on today's date carry them, so that the
decider stays a pure function of the command and the evaluation's history. A command that
records an act carries its `Dated`: the date of the act as the person recording it says,
the district's today and its late-entry window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iep_kernel.dates import Dated

from iep_evaluation.domain.events import Area, Category, EvaluatorRole, TeamMember
from iep_evaluation.domain.rules import EvaluationRules


@dataclass(frozen=True)
class OpenEvaluation:
    """From the referral service's `ConsentGiven`: the parent's written consent arrived."""

    evaluation_id: str
    referral_id: str
    student_id: str
    school_id: str
    consent_signed_on: date
    consent_received_on: date
    date_of_birth: date | None
    guardian_ids: tuple[str, ...]
    rules: EvaluationRules


@dataclass(frozen=True)
class RecordAssessment:
    area: Area
    evaluator_name: str
    evaluator_role: EvaluatorRole
    instrument: str
    summary: str
    dated: Dated  # the day the assessment was completed


@dataclass(frozen=True)
class DetermineEligibility:
    eligible: bool
    categories: tuple[Category, ...]
    adverse_effect: bool
    needs_special_education: bool
    team: tuple[TeamMember, ...]
    parent_participated: bool
    rationale: str
    section_504_referral: bool
    dated: Dated  # the day the team determined eligibility
    rules: EvaluationRules


@dataclass(frozen=True)
class WarnOfDeadline:
    """The deadline-approaching timer fired."""

    today: date
    rules: EvaluationRules


@dataclass(frozen=True)
class MarkOverdue:
    """The overdue timer fired."""

    today: date


Command = OpenEvaluation | RecordAssessment | DetermineEligibility | WarnOfDeadline | MarkOverdue

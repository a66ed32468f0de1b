"""A synthetic district: which students, in which schools, reach which stage, on which days.

Deterministic for a given random seed. Students take each target stage in turn, so even a
small district has every stage (and overdue evaluations when the window is long enough);
the days within each student's story are drawn at random. Names are made up.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

FIRST = ("Ana", "Luis", "Maya", "Omar", "Lena", "Noah", "Iris", "Teo", "Sara", "Kai", "Rosa",
         "Ivan", "Lucia", "Amir", "Nora", "Diego")
LAST = ("Rivera", "Chen", "Okafor", "Novak", "Haddad", "Silva", "Park", "Moreau", "Kowalski",
        "Tanaka", "Mendes", "Larsen")
LANGUAGES = (("en", 60), ("es", 30), ("vi", 5), ("zh-Hant", 5))
AREAS = ("reading", "math", "speech", "language", "cognitive", "behavior", "motor")
TARGETS = ("referred", "awaiting_consent", "consent_unanswered", "consent_refused", "closed",
           "evaluating", "evaluation_overdue", "eligible", "not_eligible", "section_504")


@dataclass(frozen=True)
class Action:
    """One command on one day: refer, ask_consent, answer, close, assess, determine."""

    day: date
    kind: str
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StudentPlan:
    student_id: str
    school_id: str
    name: str
    grade: str
    guardians: tuple[tuple[str, str], ...]  # (guardian id, preferred language)
    target: str
    actions: tuple[Action, ...]


def school_of(n: int, schools: int) -> str:
    return f"sch-{n % schools + 1:03d}"


def _story(target: str, rng: random.Random, start: date, days: int
           ) -> list[tuple[int, str, dict[str, object]]]:
    """The student's commands as (day offset, kind, detail), every offset within `days`."""
    def between(low: int, high: int) -> int:
        return rng.randint(max(0, min(low, days)), max(0, min(high, days)))

    if target == "referred":
        return [(between(days - 20, days), "refer", {})]
    if target in ("awaiting_consent", "consent_unanswered"):
        refer = between(days - 9, days - 1) if target == "awaiting_consent" else \
            between(days - 45, days - 14)
        return [(refer, "refer", {}), (min(refer + 1, days), "ask_consent", {})]
    if target in ("consent_refused", "closed"):
        refer = between(0, days - 10)
        if target == "closed":
            reason = rng.choice(("withdrawn", "district_declined"))
            return [(refer, "refer", {}), (min(refer + 2, days), "close", {"reason": reason})]
        return [(refer, "refer", {}), (refer + 1, "ask_consent", {}),
                (min(refer + 3, days), "answer", {"decision": "refused"})]
    if target == "evaluation_overdue":
        consent = between(0, days - 62)
    elif target == "evaluating":
        consent = between(days - 50, days - 4)
    else:
        consent = between(0, days - 25)
    refer = max(0, consent - rng.randint(2, 6))
    steps: list[tuple[int, str, dict[str, object]]] = [
        (refer, "refer", {}), (min(refer + 1, consent), "ask_consent", {}),
        (consent, "answer", {"decision": "given"})]
    first = min(consent + rng.randint(2, 8), days)
    steps.append((first, "assess", {"area": rng.choice(AREAS), "evaluator": "Dr. Ivy Moss"}))
    if target in ("eligible", "not_eligible", "section_504"):
        second = min(first + rng.randint(1, 8), days)
        steps.append((second, "assess", {"area": rng.choice(AREAS),
                                         "evaluator": "Sam Ortega, SLP"}))
        steps.append((min(second + rng.randint(1, 8), days), "determine", {
            "eligible": target == "eligible", "section_504": target == "section_504"}))
    return steps


def district(students: int, *, schools: int, today: date, days: int = 120, seed: int = 7,
             first: int = 0) -> list[StudentPlan]:
    """`students` students over `schools` schools, their stories within `days` before
    `today`."""
    rng = random.Random(seed * 1_000_003 + first)
    start = today - timedelta(days)
    languages = [lang for lang, _ in LANGUAGES]
    weights = [w for _, w in LANGUAGES]
    plans = []
    for n in range(first, first + students):
        student_id = f"stu-{n:06d}"
        guardians = tuple((f"g-{n:06d}-{j}", rng.choices(languages, weights)[0])
                          for j in range(rng.choice((1, 1, 2))))
        target = TARGETS[n % len(TARGETS)]
        actions = tuple(Action(start + timedelta(offset), kind, detail)
                        for offset, kind, detail in _story(target, rng, start, days))
        plans.append(StudentPlan(
            student_id, school_of(n, schools), f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            rng.choice(("K", "1", "2", "3", "4", "5", "6", "7", "8")), guardians, target,
            actions))
    return plans

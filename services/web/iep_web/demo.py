"""The demo district's people, listed by the dev sign-in page (embedded mode only).

Their ids are the ones `iep seed --demo` writes into the referrals (guardian ids) and the
schools it uses, so signing in as one of them shows a living caseload or family.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    subject: str
    name: str
    role: str
    schools: tuple[str, ...] = ()
    language: str = "en"


SCHOOLS = ("sch-001", "sch-002")

PEOPLE: tuple[Person, ...] = (
    Person("demo-case-manager", "Ana Ruiz", "case_manager", SCHOOLS),
    Person("demo-teacher", "Ben Okafor", "teacher", ("sch-001",)),
    Person("demo-evaluator", "Mei Chen", "evaluator", SCHOOLS),
    Person("demo-provider", "Dia Patel", "provider", ("sch-001",)),
    Person("demo-administrator", "Eve Larsen", "administrator"),
    Person("demo-auditor", "Finn Moreau", "auditor"),
    Person("demo-parent-miller", "Grace Miller", "parent"),
    Person("demo-parent-hernandez", "Lucía Hernández", "parent", language="es"),
)


def person(subject: str) -> Person | None:
    return next((p for p in PEOPLE if p.subject == subject), None)

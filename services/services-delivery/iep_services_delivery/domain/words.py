"""How the domain's refusals name things: dates and services in plain words."""

from __future__ import annotations

from datetime import date


def spoken(day: date) -> str:
    """"March 3, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


def service_name(service: str) -> str:
    return service.replace("_", " ")

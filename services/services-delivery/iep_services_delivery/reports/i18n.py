"""The report's words and dates in the guardian's language: the kernel's gettext catalogs
over `locale/<language>/LC_MESSAGES/delivery.po` (template `locale/delivery.pot`). English
is the source language; a language without a catalog falls back to English."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from iep_kernel import i18n

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
CATALOGS = i18n.Catalogs(LOCALE_DIR, "delivery")
catalog_path = CATALOGS.path
supported = CATALOGS.supported


class Speaker(i18n.Speaker):
    """Words and dates in one language."""

    def __init__(self, preferred: str | None) -> None:
        super().__init__(CATALOGS, preferred)

    def short_day(self, day: date) -> str:
        return self.day(day, format="short")

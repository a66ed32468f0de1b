"""The report's words and dates in the guardian's language: gettext catalogs compiled in
memory by Babel from `locale/<language>/LC_MESSAGES/delivery.po` (template
`locale/delivery.pot`). English is the source language; a language without a catalog
falls back to English."""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "delivery"
SOURCE_LANGUAGE = "en"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def languages() -> tuple[str, ...]:
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if catalog_path(p.name).exists())
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


def supported(preferred: str | None) -> str:
    """`es-MX` reads as `es` when there is a Spanish catalog; otherwise English."""
    primary = (preferred or "").split("-")[0].lower()
    return primary if primary in languages() else SOURCE_LANGUAGE


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE or language not in languages():
        return gettext.NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Speaker:
    """Words and dates in one language."""

    def __init__(self, preferred: str | None) -> None:
        self.language = supported(preferred)
        self._translations = translations(self.language)

    def say(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def day(self, day: date) -> str:
        """"March 3, 2026" / "3 de marzo de 2026"."""
        return format_date(day, format="long", locale=self.language)

    def short_day(self, day: date) -> str:
        return format_date(day, format="short", locale=self.language)

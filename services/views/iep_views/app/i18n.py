"""Parents read the views in their own language: gettext catalogs, compiled in memory.

The catalogs are `locale/<language>/LC_MESSAGES/views.po` (kept in git; the template is
`locale/views.pot`). They are compiled with Babel when first used, in memory: no `.mo`
file is written or shipped. English is the source language; a language without a catalog
falls back to English.
"""

import gettext
import io
from datetime import date, time
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "views"
SOURCE_LANGUAGE = "en"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def languages() -> tuple[str, ...]:
    """English and every language with a catalog."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if catalog_path(p.name).exists())
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


def supported(preferred: str | None) -> str:
    """The language to answer in for a preferred language such as `es-MX`: its primary
    subtag when there is a catalog, else English."""
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
    """Sentences and dates in one language."""

    def __init__(self, preferred: str | None) -> None:
        self.language = supported(preferred)
        self._translations = translations(self.language)

    def say(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def day(self, day: date) -> str:
        """A date as people write it: "March 3, 2026", "3 de marzo de 2026"."""
        return format_date(day, format="long", locale=self.language)

    def time(self, moment: time) -> str:
        """A time of day as people write it: "3:30 PM", "15:30"."""
        return format_time(moment, format="short", locale=self.language)

"""People read the platform in their own language: a service's gettext catalogs.

A service keeps its catalogs as `locale/<language>/LC_MESSAGES/<domain>.po` (in git, with
the template `locale/<domain>.pot`). They are compiled with Babel when first used, in
memory: no `.mo` file is written or shipped. English is the source language; a language
without a catalog falls back to English, and `es-MX` reads as `es`.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, time
from functools import cached_property
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"


class Catalogs:
    """The catalogs of one gettext domain in one folder."""

    def __init__(self, locale_dir: Path, domain: str) -> None:
        self.locale_dir = locale_dir
        self.domain = domain
        self._compiled: dict[str, gettext.NullTranslations] = {}

    def path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{self.domain}.po"

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """English and every language with a catalog."""
        found = sorted(p.name for p in self.locale_dir.iterdir() if self.path(p.name).exists())
        return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))

    def supported(self, preferred: str | None) -> str:
        """The language to answer in for a preferred one such as `es-MX`: its primary
        subtag when there is a catalog, else English."""
        primary = (preferred or "").split("-")[0].lower()
        return primary if primary in self.languages else SOURCE_LANGUAGE

    def translations(self, language: str) -> gettext.NullTranslations:
        if language == SOURCE_LANGUAGE or language not in self.languages:
            return gettext.NullTranslations()
        if language not in self._compiled:
            with self.path(language).open("rb") as po:
                catalog = read_po(po, locale=language, domain=self.domain)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            self._compiled[language] = gettext.GNUTranslations(compiled)
        return self._compiled[language]


class Speaker:
    """Sentences, dates and times in one language of a service's catalogs."""

    def __init__(self, catalogs: Catalogs, preferred: str | None) -> None:
        self.language = catalogs.supported(preferred)
        self.translations = catalogs.translations(self.language)

    def say(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def day(self, day: date, format: str = "long") -> str:
        """A date as people write it: "March 3, 2026", "3 de marzo de 2026"."""
        return str(format_date(day, format=format, locale=self.language))

    def time(self, moment: time) -> str:
        """A time of day as people write it: "3:30 PM", "15:30"."""
        return str(format_time(moment, format="short", locale=self.language))


__all__ = ["SOURCE_LANGUAGE", "Catalogs", "Speaker"]

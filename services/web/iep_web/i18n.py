"""The pages in the person's language: the kernel's gettext catalogs over
`locale/<language>/LC_MESSAGES/web.po` (template `locale/web.pot`, extracted from the
templates and the Python modules). English is the source language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from iep_kernel import i18n

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "web"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
CATALOGS = i18n.Catalogs(LOCALE_DIR, DOMAIN)
catalog_path = CATALOGS.path
supported = CATALOGS.supported
translations = CATALOGS.translations


def languages() -> tuple[str, ...]:
    """English and every language with a catalog."""
    return CATALOGS.languages


def N_(message: str) -> str:
    """Marks a message for the catalog; translated when shown."""
    return message


class Speaker(i18n.Speaker):
    """The words of the pages in one language, as the templates call them."""

    def __init__(self, language: str | None) -> None:
        super().__init__(CATALOGS, language)

    def gettext(self, message: str, **values: object) -> str:
        return self.say(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    def day(self, value: date | str | None, format: str = "long") -> str:  # type: ignore[override]
        """A date, or an ISO date as the APIs send it, as people write it; "" for none."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return super().day(value, format)

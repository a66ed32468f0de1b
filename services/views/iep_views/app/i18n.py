"""Parents read the views in their own language: the kernel's gettext catalogs over
`locale/<language>/LC_MESSAGES/views.po` (kept in git; the template is `locale/views.pot`),
compiled in memory when first used. English is the source language; a language without a
catalog falls back to English."""

from pathlib import Path

from iep_kernel import i18n

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
CATALOGS = i18n.Catalogs(LOCALE_DIR, "views")
catalog_path = CATALOGS.path
supported = CATALOGS.supported


def languages() -> tuple[str, ...]:
    """English and every language with a catalog."""
    return CATALOGS.languages


class Speaker(i18n.Speaker):
    """Sentences and dates in one language."""

    def __init__(self, preferred: str | None) -> None:
        super().__init__(CATALOGS, preferred)

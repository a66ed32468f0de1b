"""Messages in the recipient's language: Jinja2 templates with gettext catalogs.

One template per message kind (`templates/<kind>.j2`) with three blocks: `subject`, `text`
and `html`. Its sentences are in `{% trans %}` blocks; their translations live in
`locale/<language>/LC_MESSAGES/notifications.po` (kept in git; the template of catalogs
is `locale/notifications.pot`), compiled with Babel in memory when first used. English is
the source language. Dates and times are written for the language (babel.dates).
"""

import gettext
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_time
from iep_kernel.i18n import Catalogs

from iep_notifications.app.terms import TERMS

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE_DIR = PACKAGE / "templates"
DOMAIN = "notifications"


CATALOGS = Catalogs(LOCALE_DIR, DOMAIN)
catalog_path = CATALOGS.path
translations = CATALOGS.translations


def languages() -> tuple[str, ...]:
    """English and every language with a catalog."""
    return CATALOGS.languages


def _day(language: str) -> Any:
    def day(value: date | str | None) -> str:
        if not value:
            return ""
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            return str(value)  # a destroyed personal date reads "[destroyed]"
        if not isinstance(parsed, date):
            return str(value)  # not a date: shown as it came rather than no notice at all
        return format_date(parsed, format="long", locale=language)
    return day


def _clock(language: str) -> Any:
    def clock(value: time | str | None) -> str:
        if not value:
            return ""
        try:
            parsed = time.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            return str(value)
        if not isinstance(parsed, time):
            return str(value)
        return format_time(parsed, format="short", locale=language)
    return clock


def _items(value: object) -> list[object]:
    """A list to loop over, whatever came: nothing for a missing or empty field."""
    if isinstance(value, list | tuple):
        return list(value)
    if not value or isinstance(value, jinja2.Undefined):
        return []
    return [value]


def _words(value: object) -> str:
    return str(value).replace("_", " ")


def _term(catalog: gettext.NullTranslations) -> Any:
    def term(value: object) -> str:
        known = TERMS.get(str(value))
        return catalog.gettext(known) if known else _words(value)
    return term


@cache
def environment(language: str, html: bool = False) -> jinja2.Environment:
    """A template environment speaking one language; the HTML one escapes every value
    (the macros' too), the plain-text one none."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), extensions=["jinja2.ext.i18n"],
        autoescape=html, undefined=jinja2.ChainableUndefined,
        trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = _day(language)
    env.filters["clock"] = _clock(language)
    env.filters["words"] = _words
    env.filters["items"] = _items
    env.filters["term"] = _term(translations(language))
    parts = env.get_template("_parts.j2").module  # the shared macros, in this language
    env.globals.update(greeting=parts.greeting, child=parts.child,  # type: ignore[attr-defined]
                       deadline_name=parts.deadline_name)  # type: ignore[attr-defined]
    return env


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.j2") if not p.stem.startswith("_"))


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject, plain text and HTML of one message kind in one language."""
    parts = []
    for block in ("subject", "text", "html"):
        template = environment(language, block == "html").get_template(f"{kind}.j2")
        ctx = template.new_context(context)
        rendered = "".join(template.blocks[block](ctx))
        parts.append(rendered)
    subject = " ".join(parts[0].split())
    return subject, tidy(parts[1]), "\n".join(
        line for line in parts[2].strip().splitlines() if line.strip())


def tidy(text: str) -> str:
    """Plain text as paragraphs separated by one blank line, list items kept together."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            after = next((x for x in lines[i + 1:] if x), "")
            if not kept or not kept[-1] or (kept[-1].startswith("- ") and after.startswith("- ")):
                continue
        kept.append(line)
    return "\n".join(kept) + "\n"

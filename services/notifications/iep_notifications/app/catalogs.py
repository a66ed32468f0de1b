"""The template of catalogs, extracted from the templates' `{% trans %}` blocks
and the coded values' words (`app/terms.py`).

`python -m iep_notifications.app.catalogs` rewrites `locale/notifications.pot`; a
translator then updates `locale/<language>/LC_MESSAGES/notifications.po` from it (for
example `pybabel update -D notifications -i locale/notifications.pot -d locale`). The tests
check that every sentence of every template is translated in every catalog.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import write_po

from iep_notifications.app.i18n import DOMAIN, LOCALE_DIR, PACKAGE, TEMPLATE_DIR

METHOD_MAP = [("**.j2", "jinja2.ext:babel_extract")]
OPTIONS = {"**.j2": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def extracted() -> Catalog:
    catalog = Catalog(project="IEP Lifecycle Platform notifications", version="0.1.0",
                      domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(TEMPLATE_DIR), METHOD_MAP, OPTIONS):
        catalog.add(message, None, [(f"templates/{filename}", lineno)],
                    auto_comments=comments, context=context)
    terms = PACKAGE / "app" / "terms.py"
    for lineno, message, comments, context in extract_from_file(
            "python", str(terms), keywords={"N_": None}):
        catalog.add(message, None, [("app/terms.py", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def main() -> None:
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, extracted(), width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()

"""Keeping the catalogs true to the code: `python -m iep_web.catalogs` extracts the
messages of the templates and modules into `locale/web.pot` and merges them into each
`web.po` (new messages arrive untranslated; the catalog test fails until they are)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

HERE = Path(__file__).resolve().parent


def update() -> None:
    root = HERE.parent
    pot = HERE / "locale" / "web.pot"
    CommandLineInterface().run([
        "pybabel", "extract", "-F", str(root / "babel.cfg"), "-k", "N_", "-k", "gettext",
        "--no-location", "--omit-header", "-o", str(pot), str(root)])
    CommandLineInterface().run([
        "pybabel", "update", "-i", str(pot), "-d", str(HERE / "locale"), "-D", "web",
        "--no-fuzzy-matching"])


if __name__ == "__main__":
    update()
    print("catalogs updated; translate the new entries of each web.po", file=sys.stderr)

"""The translation catalogs stay true to the code: every message a parent can read is in
the template, and every catalog translates each one with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from iep_views.app import i18n, parent

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def messages_in_code() -> set[str]:
    return {message for _, message, _, _ in extract_from_file("python", parent.__file__)}


def catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def test_the_template_holds_every_message_of_the_code() -> None:
    assert set(catalog(i18n.LOCALE_DIR / "views.pot")) == messages_in_code()


@pytest.mark.parametrize("language", [lang for lang in i18n.languages() if lang != "en"])
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    translated = catalog(i18n.catalog_path(language))
    assert set(translated) == messages_in_code()
    for message, text in translated.items():
        assert text, f"{language} lacks a translation of {message!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(message))


def test_spanish_is_among_the_languages_and_others_fall_back_to_english() -> None:
    assert {"en", "es"} <= set(i18n.languages())
    assert i18n.supported("es-MX") == "es"
    assert i18n.supported("vi") == "en"
    assert i18n.Speaker("vi").say("The referral was closed.") == "The referral was closed."
    assert i18n.Speaker("es").say("The referral was closed.") == "La remisión se cerró."


def test_no_compiled_catalog_is_kept_beside_the_sources() -> None:
    assert list(i18n.LOCALE_DIR.rglob("*.mo")) == []

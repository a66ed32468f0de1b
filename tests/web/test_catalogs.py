"""The pages' catalogs are true to the templates: every message extracted from them is
translated in every language."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from iep_web import i18n
from iep_web.i18n import LOCALE_DIR

METHODS = [("iep_web/templates/**.html", "jinja2"), ("iep_web/**.py", "python")]


def _messages() -> set[str]:
    root = LOCALE_DIR.parent.parent
    found = set()
    for _, _, message, _, _ in extract_from_dir(
            str(root), METHODS, keywords={"_": None, "gettext": None, "N_": None,
                                          "ngettext": (1, 2)},
            options_map={"iep_web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_of_the_pages_is_translated():
    messages = _messages()
    assert "Waiting for you" in messages and "Sign in as %(name)s" in messages
    for language in i18n.languages()[1:]:
        with i18n.catalog_path(language).open("rb") as po:
            catalog = read_po(po, locale=language)
        translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog
                      if m.id and m.string and all(m.string if isinstance(m.string, tuple)
                                                   else [m.string])}
        missing = sorted(messages - translated)
        assert not missing, f"{language}: untranslated {missing[:10]}"


def test_spanish_is_offered():
    assert i18n.languages() == ("en", "es")
    assert i18n.Speaker("es-MX").gettext("My children") == "Mis hijos"

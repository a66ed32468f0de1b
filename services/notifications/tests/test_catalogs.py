"""Templates and catalogs agree: every kind has its template, the template of catalogs is
what the templates say, and every catalog translates every sentence."""

from __future__ import annotations

from babel.messages.pofile import read_po
from iep_notifications.app import i18n
from iep_notifications.app.catalogs import extracted
from iep_notifications.domain.kinds import KINDS


def _ids(catalog) -> set[str]:
    return {m.id for m in catalog if m.id}


def test_every_kind_has_one_template_and_every_template_a_kind():
    assert sorted(KINDS) == i18n.template_names()


def test_the_template_of_catalogs_is_up_to_date():
    with (i18n.LOCALE_DIR / "notifications.pot").open("rb") as pot:
        assert _ids(read_po(pot)) == _ids(extracted())


def test_every_catalog_translates_every_sentence():
    wanted = _ids(extracted())
    assert i18n.languages() == ("en", "es")
    for language in i18n.languages()[1:]:
        with i18n.catalog_path(language).open("rb") as po:
            catalog = read_po(po, locale=language)
        untranslated = {m.id for m in catalog if m.id and not m.string}
        assert wanted - _ids(catalog) == set(), language
        assert untranslated == set(), language


def test_the_html_part_escapes_what_people_wrote():
    _, text, html = i18n.render("dispute_acknowledgement", "en", {
        "student_id": "S-1", "student_name": "<b>Ana</b>", "recipient_name": "Maria",
        "fallback": False, "requested_language": "en", "legal_basis": "x",
        "d": {"kind": "mediation", "filed_on": "2026-03-02"}})
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html and "<b>Ana</b>" not in html
    assert "<b>Ana</b>" in text


def test_dates_are_written_for_the_language():
    context = {"student_id": "S-1", "student_name": "Ana", "recipient_name": "", "d": {
        "given_on": "2026-03-02"}, "fallback": False, "requested_language": "es",
        "legal_basis": "34 CFR 300.504"}
    _, spanish, _ = i18n.render("procedural_safeguards", "es", context)
    _, english, _ = i18n.render("procedural_safeguards", "en", context)
    assert "El 2 de marzo de 2026" in spanish and "Estimado padre, madre o tutor:" in spanish
    assert "On March 2, 2026" in english and "Dear parent or guardian," in english

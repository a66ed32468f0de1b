"""The progress report PDF: opens, names the goals, speaks the guardian's language; the
catalogs hold every word the report uses."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from iep_services_delivery.reports import render_progress_report
from iep_services_delivery.reports.i18n import LOCALE_DIR, catalog_path
from iep_services_delivery.reports.words import SERVICE_NAMES, STATUS

REPORT = {
    "report_id": "rep-1", "student_id": "S-1", "school_id": "sch-1", "case_id": "case-S-1",
    "plan_id": "plan-1", "version": 1, "due_on": "2026-03-01", "issued_on": "2026-03-02",
    "period_starts_on": "2025-12-01", "period_ends_on": "2026-03-01", "late": True,
    "goals": [
        {"goal_id": "g1", "area": "reading", "statement": "Reads fluently at grade level",
         "baseline": "40 words per minute", "target": "90 words per minute",
         "measured_by": "timed reading", "baseline_value": 40, "target_value": 90,
         "latest_value": 62, "status": "on_track",
         "observations": [{"observed_on": "2025-12-10", "value": 45},
                          {"observed_on": "2026-02-20", "value": 62}]},
        {"goal_id": "g2", "area": "math", "statement": "Solves two-step problems",
         "baseline": "[destroyed]", "target": "8 of 10", "measured_by": "probe",
         "baseline_value": None, "target_value": 8, "latest_value": None,
         "status": "not_on_track", "observations": []},
    ],
    "services": [{"schedule_id": "sch-a", "service": "speech_language_pathology",
                  "minutes_required": 360, "minutes_delivered": 300, "minutes_missed": 60,
                  "compensatory_owed": 30}],
    "guardians": [{"guardian_id": "G-1", "language": "es"}],
    "a_field_added_later": "ignored",
}


def test_the_report_is_a_pdf_naming_every_goal() -> None:
    pdf = render_progress_report(REPORT, "en")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"Reads fluently at grade level" in pdf
    assert b"Solves two-step problems" in pdf
    assert b"On track" in pdf


def test_the_report_is_in_the_guardians_language() -> None:
    spanish = render_progress_report(REPORT, "es")
    assert b"Informe de progreso" in spanish
    assert b"Estudiante: S-1" in spanish
    assert b"marzo de 2026" in spanish  # dates written the Spanish way
    assert b"Progress report on annual goals" not in spanish
    english = render_progress_report(REPORT, "en")
    assert b"March 2, 2026" in english


def test_an_unknown_language_falls_back_to_english() -> None:
    assert b"Progress report on annual goals" in render_progress_report(REPORT, "fr")


def test_the_same_report_renders_the_same_bytes() -> None:
    assert render_progress_report(REPORT, "es") == render_progress_report(REPORT, "es")


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as po:
        return {m.id for m in read_po(po) if m.id and m.string}


def test_the_spanish_catalog_translates_every_word_of_the_report() -> None:
    reports = Path(__file__).resolve().parents[1] / "iep_services_delivery" / "reports"
    used = {message for source in reports.glob("*.py")
            for _, _, message, _ in extract_from_file("python", source, keywords={"say": None})
            if isinstance(message, str)}
    used |= set(STATUS.values()) | set(SERVICE_NAMES.values())
    assert used <= _msgids(catalog_path("es"))
    with (LOCALE_DIR / "delivery.pot").open("rb") as pot:
        assert used <= {m.id for m in read_po(pot) if m.id}

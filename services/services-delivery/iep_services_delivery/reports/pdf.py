"""The progress report as a PDF (ReportLab platypus): the period, each goal with its
baseline, target, latest measurement, status and chart, and the minutes of each service.

Written uncompressed and invariant (the same report gives the same bytes), so the text can
be found in the file and a report can be compared byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from iep_services_delivery.reports.chart import goal_chart
from iep_services_delivery.reports.i18n import Speaker
from iep_services_delivery.reports.reading import GoalRead, ReportRead, ServiceRead
from iep_services_delivery.reports.words import SERVICE_NAMES, STATUS


def render_progress_report(report: Mapping[str, Any], language: str) -> bytes:
    """The PDF of a `ProgressReportIssued` event's `data` (personal fields opened), in
    `language` ("en" or "es"; another language falls back to English)."""
    read = ReportRead.model_validate(dict(report))
    speaker = Speaker(language)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=LETTER, invariant=1, pageCompression=0,
        title=speaker.say("Progress report"), leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.7 * inch, bottomMargin=0.7 * inch,
    )
    doc.build(_story(read, speaker))
    return out.getvalue()


def _story(report: ReportRead, speaker: Speaker) -> list[Flowable]:
    styles = getSampleStyleSheet()
    say = speaker.say
    story: list[Flowable] = [
        Paragraph(escape(say("Progress report on annual goals")), styles["Title"]),
        Paragraph(escape(say("Student: %(student)s", student=report.student_id)),
                  styles["Normal"]),
        Paragraph(escape(say("Reporting period: %(start)s to %(end)s",
                             start=speaker.day(report.period_starts_on),
                             end=speaker.day(report.period_ends_on))), styles["Normal"]),
        Paragraph(escape(say("Issued on %(day)s", day=speaker.day(report.issued_on))),
                  styles["Normal"]),
        Spacer(1, 12),
        Paragraph(escape(say("Goals")), styles["Heading2"]),
    ]
    if not report.goals:
        story.append(Paragraph(escape(say("The plan has no annual goals.")), styles["Normal"]))
    for number, goal in enumerate(report.goals, start=1):
        story.append(KeepTogether(_goal(number, goal, speaker)))
    if report.services:
        story += [Spacer(1, 12), Paragraph(escape(say("Services")), styles["Heading2"]),
                  _services(report.services, speaker)]
    return story


def _goal(number: int, goal: GoalRead, speaker: Speaker) -> list[Flowable]:
    styles = getSampleStyleSheet()
    say = speaker.say
    latest = "—" if goal.latest_value is None else _number(goal.latest_value)
    rows = [
        [say("Area"), _text(goal.area)],
        [say("Baseline"), _text(goal.baseline)],
        [say("Target"), _text(goal.target)],
        [say("Measured by"), _text(goal.measured_by)],
        [say("Latest measurement"), latest],
        [say("Status"), say(STATUS.get(goal.status, goal.status))],
    ]
    body = styles["BodyText"]
    table = Table([[Paragraph(escape(k), body), Paragraph(escape(v), body)] for k, v in rows],
                  colWidths=[1.6 * inch, 5.0 * inch])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    heading = say("Goal %(number)s: %(statement)s", number=number,
                  statement=_text(goal.statement))
    return [Spacer(1, 8), Paragraph(escape(heading), styles["Heading3"]), table,
            Spacer(1, 6), goal_chart(goal, speaker)]


def _services(services: list[ServiceRead], speaker: Speaker) -> Table:
    say = speaker.say
    head = [say("Service"), say("Minutes required"), say("Minutes delivered"),
            say("Minutes missed"), say("Compensatory minutes owed")]
    body = styles_body()
    rows = [[Paragraph(escape(h), body) for h in head]]
    rows += [[Paragraph(escape(say(_service_name(s.service))), body), str(s.minutes_required),
              str(s.minutes_delivered), str(s.minutes_missed), str(s.compensatory_owed)]
             for s in services]
    table = Table(rows, colWidths=[2.2 * inch] + [1.1 * inch] * 4, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def styles_body() -> Any:
    return getSampleStyleSheet()["BodyText"]


def _service_name(service: str) -> str:
    """The catalog's msgid for a service type; an unknown type is shown as written."""
    return SERVICE_NAMES.get(service, service.replace("_", " ").capitalize())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

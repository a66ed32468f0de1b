"""Paper notices (300.505: a parent may choose paper): the notice as a printable letter,
one A4/Letter-safe PDF page flow made with reportlab, for the school office to mail."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from iep_notifications.domain.events import NoticeQueued


def letter_pdf(notice: NoticeQueued, recipient_name: str | None, school_id: str) -> bytes:
    """The notice's plain text as a letter: the addressee, the subject, the paragraphs."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=LETTER, title=notice.subject,
                            leftMargin=inch, rightMargin=inch, topMargin=inch,
                            bottomMargin=inch, lang=notice.language)
    story = [Paragraph(escape(school_id), styles["Normal"]),
             Paragraph(escape(notice.queued_at.date().isoformat()), styles["Normal"]),
             Spacer(1, 0.2 * inch)]
    if recipient_name:
        story += [Paragraph(escape(recipient_name), styles["Normal"]), Spacer(1, 0.2 * inch)]
    story += [Paragraph(escape(notice.subject), styles["Heading2"])]
    for paragraph in notice.body_text.split("\n\n"):
        lines = [escape(line) for line in paragraph.splitlines()]
        story.append(Paragraph("<br/>".join(lines), styles["Normal"]))
        story.append(Spacer(1, 0.12 * inch))
    story.append(Paragraph(escape(f"{notice.legal_basis} · {notice.notice_id}"),
                           styles["Italic"]))
    doc.build(story)
    return out.getvalue()

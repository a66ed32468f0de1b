"""Email: a notice as a MIME message (plain text and HTML, attachments, a Message-ID
derived from the notice id) and one SMTP exchange with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

import aiosmtplib

from iep_notifications.app.outbox import Attachment
from iep_notifications.domain.events import NoticeQueued
from iep_notifications.settings import SmtpSettings

# Failures worth another attempt later, and those of a server that refused: both retried,
# since a refusal (a full mailbox, a greylist) is often temporary too.
SMTP_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


def mime_message(notice: NoticeQueued, attachments: list[Attachment], sender: str
                 ) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.address or ""
    message["Subject"] = notice.subject
    message["Message-ID"] = notice.message_id
    message["Date"] = format_datetime(notice.queued_at)
    message["X-IEP-Notice-Kind"] = notice.kind
    message.set_content(notice.body_text)
    message.add_alternative(
        f'<!doctype html>\n<html lang="{notice.language}"><head><meta charset="utf-8">'
        f"<title>{escape(notice.subject)}</title></head>\n<body>\n{notice.body_html}\n"
        "</body></html>\n", subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    message["Content-Language"] = notice.language  # after the parts: set_content clears it
    return message


async def send(settings: SmtpSettings, message: EmailMessage, host: str, port: int) -> None:
    password = settings.password.get_secret_value() if settings.password else None
    await aiosmtplib.send(
        message, hostname=host, port=port, username=settings.username, password=password,
        use_tls=settings.tls, start_tls=settings.starttls if settings.starttls else False,
        timeout=settings.timeout_seconds)

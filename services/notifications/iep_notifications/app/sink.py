"""Embedded mode's mail server: an aiosmtpd sink that keeps every message it receives as
an `.eml` file in a folder (nothing leaves the machine), and the listing of that folder."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

log = logging.getLogger("iep.notifications.sink")


class FolderSink:
    """An aiosmtpd handler writing each message to `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start_sink(folder: Path, port: int) -> Controller | None:
    """Start the sink on localhost; None (and a warning) when the port is taken."""
    # aiosmtpd logs every SMTP command at INFO, addresses included: no PII in our logs.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(FolderSink(folder), hostname="127.0.0.1", port=port)
    try:
        controller.start()
    except (OSError, RuntimeError) as err:
        log.warning("the embedded SMTP sink could not start", extra={"error": type(err).__name__})
        return None
    return controller


def listing(folder: Path, limit: int = 200) -> list[dict[str, Any]]:
    """The newest messages in the sink: file, Message-ID, recipients, subject, date."""
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append({"file": path.name, "message_id": str(parsed.get("Message-ID", "")),
                      "to": str(parsed.get("To", "")), "subject": str(parsed.get("Subject", "")),
                      "date": str(parsed.get("Date", "")),
                      "language": str(parsed.get("Content-Language", "")),
                      "attachments": [p.get_filename() for p in parsed.iter_attachments()]})
    return found


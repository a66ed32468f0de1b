"""The progress report's PDF, rendered by the services-delivery package when it is
installed (`iep_services_delivery.reports.render_progress_report`); without it the
message goes out without the attachment and says the school has the report."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from iep_notifications.app.outbox import Attachment

log = logging.getLogger("iep.notifications.reports")


def _renderer() -> Any:
    try:
        module = importlib.import_module("iep_services_delivery.reports")
    except ImportError:
        return None
    return getattr(module, "render_progress_report", None)


def progress_report_pdf(report_data: Mapping[str, Any], language: str
                        ) -> tuple[Attachment, ...]:
    render = _renderer()
    if render is None:
        return ()
    try:
        content = render(report_data, language)
    except Exception as err:  # the message still goes out; the report stays at school
        log.warning("progress report could not be rendered", extra={"error": type(err).__name__})
        return ()
    if not isinstance(content, bytes | bytearray) or not content:
        return ()
    report = str(report_data.get("report_id") or "progress-report")
    return (Attachment(f"{report}.pdf", "application/pdf", bytes(content)),)

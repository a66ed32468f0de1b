"""Progress reports as parents receive them: a PDF in the guardian's language.

`render_progress_report(report, language)` takes the `data` of a `ProgressReportIssued`
event as published (personal fields opened) and returns the PDF's bytes. The notifications
service attaches it to its message; the API serves it. The signature is a contract.
"""

from iep_services_delivery.reports.pdf import render_progress_report

__all__ = ["render_progress_report"]

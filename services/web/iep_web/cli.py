"""`iep web`: serve the web app alone (its own container), calling the APIs at
`IEP_WEB_API_URL`; and `iep web screenshots` is in `iep_web.screenshots`."""

from __future__ import annotations

import uvicorn
from iep_kernel.config import Settings
from iep_kernel.logs import configure_logging

from iep_web.app import create_web
from iep_web.settings import WebSettings


def web() -> None:
    """Serve the web app (pages for staff, parents and auditors) on IEP_HTTP_PORT at /."""
    settings = Settings()
    configure_logging(settings.log_level)
    app = create_web(settings, WebSettings())
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None,
                access_log=False, proxy_headers=True)

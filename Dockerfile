# syntax=docker/dockerfile:1
# One image for every service: `iep api --service NAME`, `iep worker --service NAME` and
# `iep migrate` are chosen by the command. Locked dependencies only (uv.lock), non-root,
# nothing written outside /tmp and /var/lib/iep. Build: docker build -t iep-platform .
# Python 3.11 is the version the test suite runs on.
FROM python:3.11-slim AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
# The uv the Makefile uses.
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
# Third-party dependencies first: this layer changes only with uv.lock. Only the project's
# own runtime dependencies: --no-default-groups leaves out the dev and deploy-checks groups.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-default-groups --all-packages --no-install-workspace
COPY . /src
# The kernel and every service, installed as packages (not links to /src).
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-default-groups --all-packages --no-editable

FROM python:3.11-slim AS runtime
RUN groupadd --system --gid 10001 iep \
    && useradd --system --uid 10001 --gid iep --home-dir /var/lib/iep --no-create-home \
        --shell /usr/sbin/nologin iep \
    && install -d -o iep -g iep -m 0750 /var/lib/iep
COPY --from=build /app/.venv /app/.venv
COPY deploy/wait_for_topics.py /app/deploy/wait_for_topics.py
# A container listens on all its interfaces (the kernel's default is 127.0.0.1).
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    IEP_HTTP_HOST=0.0.0.0
# Stream processors keep a small working folder in the current directory.
WORKDIR /var/lib/iep
USER 10001:10001
EXPOSE 8000
# The API's liveness; a worker serves no HTTP, so compose turns this off for workers.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('IEP_HTTP_PORT', '8000'), timeout=4)"]
ENTRYPOINT ["iep"]
CMD ["api"]

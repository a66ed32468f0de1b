"""Every PostgreSQL the deployment runs keeps personal data out of its log: the settings
the kernel applies to its embedded server are on the compose server's command line and in
the CloudNativePG cluster's parameters."""

from __future__ import annotations

from typing import Any

from iep_kernel.postgres_settings import LOG_SETTINGS


def test_compose_runs_postgresql_with_the_log_settings(compose: dict[str, Any]) -> None:
    command = compose["services"]["postgres"]["command"]
    options = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    given = dict(option.split("=", 1) for option in options)
    assert {name: given.get(name) for name in LOG_SETTINGS} == LOG_SETTINGS


def test_the_cloudnative_pg_cluster_has_the_log_settings(rendered) -> None:
    clusters = [doc for doc in rendered["production"] if doc["kind"] == "Cluster"]
    assert clusters, "production runs PostgreSQL by CloudNativePG"
    for cluster in clusters:
        parameters = cluster["spec"]["postgresql"]["parameters"]
        assert {name: parameters.get(name) for name in LOG_SETTINGS} == LOG_SETTINGS

"""The image and the compose file: hadolint and checkov clean, the compose file valid
against the Compose Specification, and both shaped as the platform needs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def test_the_dockerfile_passes_hadolint(find_tool) -> None:
    result = subprocess.run([find_tool("hadolint"), "--no-color", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_slim_non_root_locked_and_checks_its_health() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert stages and all(s.endswith("-slim") for s in stages)
    assert re.search(r"^USER 10001", text, re.MULTILINE)
    syncs = re.findall(r"uv sync ([^\n]+)", text)
    assert syncs and all("--frozen" in s and "--no-default-groups" in s for s in syncs)
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", text, re.MULTILINE)
    assert re.search(r'^ENTRYPOINT \["iep"\]', text, re.MULTILINE)


def test_the_build_context_holds_the_packages_and_no_local_secrets() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in ignore  # everything out, then only what the image needs back in
    for needed in ("!uv.lock", "!pyproject.toml", "!shared/iep_kernel/",
                   "!services/*/iep_*/", "!deploy/wait_for_topics.py"):
        assert needed in ignore
    assert not any(line.startswith("!.env") for line in ignore)  # .env holds compose secrets


@pytest.fixture(scope="module")
def checkov_results(find_tool, rendered_dir: Path) -> list[dict[str, Any]]:
    (rendered_dir / "Dockerfile").write_text(DOCKERFILE.read_text())
    result = subprocess.run(
        [find_tool("checkov"), "--directory", str(rendered_dir),
         "--framework", "kubernetes", "dockerfile", "--output", "json", "--compact",
         "--quiet", "--skip-download"],
        capture_output=True, text=True, timeout=300,
        # Offline and on its own: no platform key, no mapping download.
        env={"PATH": str(Path(find_tool("checkov")).parent), "HOME": str(rendered_dir),
             "BC_SKIP_MAPPING": "TRUE"})
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def test_checkov_finds_no_failed_check(checkov_results) -> None:
    # Offline, checkov reports no severities, so every failed check counts; a check that
    # does not apply is skipped in the manifest's annotations with its reason.
    failed = [f"{f['check_id']} {f['check_name']} ({f['resource']})"
              for r in checkov_results for f in r["results"]["failed_checks"]]
    assert failed == []
    assert {r["check_type"] for r in checkov_results} == {"kubernetes", "dockerfile"}


def test_every_checkov_skip_gives_its_reason(checkov_results) -> None:
    skipped = [f for r in checkov_results for f in r["results"].get("skipped_checks", [])]
    assert {f["check_id"] for f in skipped} <= {"CKV_K8S_43", "CKV_K8S_35", "CKV_K8S_8",
                                                 "CKV_K8S_9"}
    assert all(len(f.get("suppress_comment") or "") > 20 for f in skipped)


def test_the_compose_file_follows_the_compose_specification(compose) -> None:
    schema = json.loads((ROOT / "deploy" / "schemas" / "compose-spec.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_compose_check_catches_a_misspelt_field() -> None:
    schema = json.loads((ROOT / "deploy" / "schemas" / "compose-spec.json").read_text())
    wrong = {"services": {"api": {"image": "x", "depend_on": ["db"]}}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(wrong))


def test_compose_starts_everything_in_order_of_health(compose) -> None:
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "mailpit" in services["mailpit"]["image"]
    for name, svc in services.items():
        for dependency, rule in svc.get("depends_on", {}).items():
            wanted = ("service_completed_successfully"
                      if dependency in ("migrate", "kafka-topics", "dev-issuer")
                      else "service_healthy")
            assert rule["condition"] == wanted, f"{name} waits for {dependency} wrongly"
            if wanted == "service_healthy":
                target = services[dependency]
                assert "healthcheck" in target or "build" in target  # the image's HEALTHCHECK
    for name, svc in services.items():
        if svc.get("image") == "iep-platform:local" and name != "migrate":
            # every process that reads the database waits for its schema; the web app
            # reads none (it calls the APIs) and the dev issuer only writes a key
            assert svc.get("depends_on", {}).get("migrate") or name in ("dev-issuer", "web")
            assert svc["read_only"] is True
    assert services["gateway"]["ports"] and all(
        "ports" not in svc for name, svc in services.items()
        if name not in ("gateway", "mailpit"))
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"

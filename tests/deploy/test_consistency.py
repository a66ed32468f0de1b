"""The deployment matches the code: every service has its containers and objects, every
topic it writes or reads is declared, and every IEP_* variable set anywhere in the
deployment is a setting the code reads."""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VARIABLE = re.compile(r"\bIEP_[A-Z0-9_]+\b")


def settings_classes() -> list[type[BaseSettings]]:
    """Every pydantic-settings class of the installed `iep_*` packages (all modules
    imported, so a class in any module is found)."""
    for package in sorted(m.name for m in pkgutil.iter_modules() if m.name.startswith("iep_")):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            importlib.import_module(info.name)
    found, queue = [], list(BaseSettings.__subclasses__())
    while queue:
        cls = queue.pop()
        queue += cls.__subclasses__()
        if cls.__module__.startswith("iep_"):
            found.append(cls)
    return found


def variables_of(cls: type[BaseSettings]) -> set[str]:
    prefix = cls.model_config.get("env_prefix", "")
    out = set()
    for name, info in cls.model_fields.items():
        alias = info.validation_alias or info.alias
        if isinstance(alias, str):
            out.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            out |= {c.upper() for c in alias.choices if isinstance(c, str)}
        else:
            out.add(f"{prefix}{name}".upper())
    return out


@pytest.fixture(scope="module")
def settings() -> set[str]:
    return {v for cls in settings_classes() for v in variables_of(cls)}


def test_the_settings_collection_finds_the_kernels_settings(settings: set[str]) -> None:
    assert {"IEP_DATABASE_URL", "IEP_KAFKA_BOOTSTRAP", "IEP_MASTER_KEY",
            "IEP_AUTH_JWKS_URL"} <= settings


def manifest_variables(docs: list[dict[str, Any]]) -> set[str]:
    found = set()
    for doc in docs:
        if doc["kind"] == "ConfigMap":
            found |= {k for k in doc.get("data", {}) if k.startswith("IEP_")}
        if doc["kind"] in ("Deployment", "Job"):
            spec = doc["spec"]["template"]["spec"]
            for c in spec.get("initContainers", []) + spec["containers"]:
                found |= {e["name"] for e in c.get("env", [])}
        found |= set(VARIABLE.findall(yaml.safe_dump(doc)))
    return found


def test_every_variable_the_deployment_sets_is_a_setting(settings, rendered, compose) -> None:
    used = {
        "docker-compose.yml": {k for svc in compose["services"].values()
                               for k in (svc.get("environment") or {})
                               if k.startswith("IEP_")}
        | set(VARIABLE.findall((ROOT / "docker-compose.yml").read_text())),
        "Dockerfile": set(VARIABLE.findall((ROOT / "Dockerfile").read_text())),
        "deploy/services.toml": {v for entry in tomllib.loads(
            (DEPLOY / "services.toml").read_text()).values()
            for table in ("compose", "config", "secrets") for v in entry.get(table, {})},
        "deploy/README.md": set(VARIABLE.findall((DEPLOY / "README.md").read_text())),
    } | {f"overlay {name}": manifest_variables(docs) for name, docs in rendered.items()}
    unknown = {where: sorted(v for v in found if v not in settings)
               for where, found in used.items()}
    assert {k: v for k, v in unknown.items() if v} == {}


def test_the_deployment_sets_what_production_requires(rendered, generator) -> None:
    apps = {f"iep-{app.name}" for app in generator.load_apps()}
    for overlay, docs in rendered.items():
        for doc in docs:
            if doc["kind"] != "Deployment":
                continue
            (main,) = doc["spec"]["template"]["spec"]["containers"]
            names = {e["name"] for e in main.get("env", [])}
            if doc["metadata"]["name"] in apps:
                # An app checks tokens, and is given neither the database nor the key.
                assert "IEP_AUTH_JWKS_URL" in names, (overlay, doc["metadata"]["name"])
                assert not names & {"IEP_DATABASE_URL", "IEP_MASTER_KEY"}, overlay
                continue
            assert {"IEP_DATABASE_URL", "IEP_MASTER_KEY", "IEP_AUTH_JWKS_URL"} <= names, (
                overlay, doc["metadata"]["name"])


def test_every_app_is_served_at_its_path_alone(generator, rendered, compose) -> None:
    apps = generator.load_apps()
    assert [a.name for a in apps] == generator.folder_apps() and apps, "the web app is an app"
    gateway = (DEPLOY / "compose" / "gateway.conf").read_text()
    for app in apps:
        container = compose["services"][app.name]
        assert container["command"] == [app.name]
        assert f"location {app.path} {{\n        proxy_pass http://{app.name}:" in gateway
        for overlay, docs in rendered.items():
            index = by_kind(docs)
            deployment = index[("Deployment", f"iep-{app.name}")]
            (main,) = deployment["spec"]["template"]["spec"]["containers"]
            assert main["args"] == [app.name]
            assert "initContainers" not in deployment["spec"]["template"]["spec"]
            (ingress,) = [d for d in docs if d["kind"] == "Ingress"]
            routes = {p["path"]: p["backend"]["service"]["name"]
                      for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
            assert routes[app.path] == f"iep-{app.name}", overlay
            policy = index[("NetworkPolicy", f"iep-{app.name}")]["spec"]
            ports = {p["port"] for rule in policy["egress"] for p in rule["ports"]}
            assert ports == {443}, "an app reaches the APIs and the identity provider only"


def test_every_service_folder_is_deployed(generator, services) -> None:
    declared = set(generator.folder_services())
    _, unbuilt = generator.load_specs(generator.folder_services())
    assert {s.name for s in services} == declared - set(unbuilt)
    assert services, "no service is deployed"


def test_every_service_has_its_compose_containers(services, compose) -> None:
    containers = compose["services"]
    gateway = (DEPLOY / "compose" / "gateway.conf").read_text()
    for svc in services:
        api, worker = containers[f"{svc.name}-api"], containers[f"{svc.name}-worker"]
        assert api["command"] == ["api", "--service", svc.name]
        assert worker["command"] == ["worker", "--service", svc.name]
        assert f"location {svc.route} {{\n        proxy_pass http://{svc.name}-api:" in gateway
        assert f"{svc.name}-api" in containers["gateway"]["depends_on"]


def by_kind(docs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def test_every_service_has_its_kubernetes_objects(services, rendered) -> None:
    for overlay, docs in rendered.items():
        index = by_kind(docs)
        (ingress,) = [d for d in docs if d["kind"] == "Ingress"]
        routes = {p["path"]: p["backend"]["service"]["name"]
                  for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
        for svc in services:
            api, worker = f"iep-{svc.name}-api", f"iep-{svc.name}-worker"
            missing = [key for key in [
                ("Deployment", api), ("Deployment", worker), ("Service", api),
                ("HorizontalPodAutoscaler", api), ("PodDisruptionBudget", api),
                ("PodDisruptionBudget", worker), ("NetworkPolicy", api),
                ("NetworkPolicy", worker), ("ConfigMap", f"iep-{svc.name}-config")]
                if key not in index]
            assert missing == [], (overlay, svc.name)
            assert routes.get(svc.route) == api, (overlay, svc.name)
            assert index[("Deployment", api)]["spec"]["template"]["spec"]["containers"][0][
                "args"] == ["api", "--service", svc.name]
            assert index[("Deployment", worker)]["spec"]["template"]["spec"]["containers"][0][
                "args"] == ["worker", "--service", svc.name]


def test_every_topic_written_or_read_is_declared(services, rendered) -> None:
    needed = {t for svc in services for t in svc.topics}
    for svc in services:
        if svc.publishes:
            assert f"iep.{svc.name}.events" in needed
    declared = {d["metadata"]["name"] for d in rendered["production"]
                if d["kind"] == "KafkaTopic"}
    assert needed <= declared
    script = (DEPLOY / "kafka" / "create-topics.sh").read_text()
    assert all(f"\n  {t}\n" in script for t in needed)
    for svc in services:  # each worker waits for exactly its own topics
        for docs in rendered.values():
            worker = by_kind(docs)[("Deployment", f"iep-{svc.name}-worker")]
            (wait,) = [c for c in worker["spec"]["template"]["spec"]["initContainers"]
                       if c["name"] == "wait-for-topics"]
            assert wait["args"] == svc.topics


def test_the_read_side_publishes_no_topic(generator) -> None:
    svc = generator.Service(name="views", publishes=False, consumes=("referral",))
    assert svc.topics == ["iep.referral.events"]
    topics = generator.kafka_topics([svc])
    assert [t["metadata"]["name"] for t in topics] == ["iep.referral.events"]


def test_the_generated_files_are_up_to_date(generator, services) -> None:
    stale = [str(p.relative_to(ROOT)) for p in generator.stale(generator.render(services))]
    assert stale == [], "run `.venv/bin/python deploy/generate.py` and commit its output"

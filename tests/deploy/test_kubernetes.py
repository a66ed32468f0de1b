"""Every overlay renders, and every manifest in it is valid for the Kubernetes versions a
district may run, and for the operators' custom resources, unknown fields included."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
OVERLAYS = sorted(p.name for p in (DEPLOY / "k8s" / "overlays").iterdir() if p.is_dir())

# The oldest Kubernetes release the manifests promise to work on, and the newest known.
KUBERNETES_VERSIONS = ["1.30", kubernetes_validate.latest_version()]
CRDS = DEPLOY / "schemas" / "crds"


@cache
def crd_validator(api_version: str, kind: str) -> jsonschema.Validator | None:
    group, _, version = api_version.rpartition("/")
    path = CRDS / group / f"{kind.lower()}-{version}.json"
    if not group or not path.exists():
        return None
    return jsonschema.Draft7Validator(strict(json.loads(path.read_text())))


def strict(schema: Any) -> Any:
    """A CRD schema that rejects fields it does not name, as `kubectl apply` does with
    strict field validation (the API server would otherwise drop them without a word)."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def objects(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def is_custom(doc: dict[str, Any]) -> bool:
    group = doc["apiVersion"].rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlay_renders_with_every_kind_of_object(overlay: str, rendered) -> None:
    kinds = {d["kind"] for d in rendered[overlay]}
    assert {"Namespace", "ConfigMap", "ServiceAccount", "Deployment", "Service",
            "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Ingress",
            "Job"} <= kinds


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_kubernetes(overlay: str, version: str, rendered) -> None:
    problems = []
    for doc in rendered[overlay]:
        if is_custom(doc):
            continue
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as err:
            problems.append(f"{name}: {'.'.join(map(str, err.path))}: {err.message}")
        except kubernetes_validate.SchemaNotFoundError as err:
            problems.append(f"{name}: {err.message}")
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_custom_resource_matches_its_operators_schema(overlay: str, rendered) -> None:
    problems = []
    for doc in filter(is_custom, rendered[overlay]):
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        validator = crd_validator(doc["apiVersion"], doc["kind"])
        if validator is None:
            problems.append(f"{name}: no vendored schema for {doc['apiVersion']} "
                            f"(deploy/schemas/vendor_crds.py)")
            continue
        problems += [f"{name}: {'.'.join(map(str, e.path))}: {e.message}"
                     for e in validator.iter_errors(doc)]
    assert problems == []


def test_the_strict_crd_check_catches_a_misspelt_field() -> None:
    validator = crd_validator("kafka.strimzi.io/v1", "KafkaTopic")
    assert validator is not None
    topic = {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic",
             "metadata": {"name": "t"}, "spec": {"partitions": 6, "replica": 3}}
    assert [e.message for e in validator.iter_errors(topic)]


def test_production_runs_kafka_and_postgresql_by_their_operators(rendered) -> None:
    docs = rendered["production"]
    kinds = {d["kind"] for d in docs}
    assert {"Kafka", "KafkaNodePool", "KafkaTopic", "Cluster", "ObjectStore",
            "ScheduledBackup"} <= kinds
    (kafka,) = objects(docs, "Kafka").values()
    config = kafka["spec"]["kafka"]["config"]
    assert config["min.insync.replicas"] == 2 and config["default.replication.factor"] == 3
    assert sum(p["spec"]["replicas"] for p in objects(docs, "KafkaNodePool").values()
               if "broker" in p["spec"]["roles"]) >= 3
    for topic in objects(docs, "KafkaTopic").values():
        assert topic["spec"]["replicas"] == 3
        assert topic["spec"]["config"]["min.insync.replicas"] == 2
        assert topic["spec"]["config"]["retention.ms"] == -1  # the events are the record
    (cluster,) = objects(docs, "Cluster").values()
    assert cluster["spec"]["instances"] >= 3
    assert any(p.get("isWALArchiver") for p in cluster["spec"]["plugins"])
    (backup,) = objects(docs, "ScheduledBackup").values()
    assert backup["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    settings = objects(docs, "ConfigMap")["iep-config"]["data"]
    assert settings["IEP_KAFKA_BOOTSTRAP"] == f"{kafka['metadata']['name']}-kafka-bootstrap:9092"
    assert settings["IEP_KAFKA_IDEMPOTENCE"] == "true"
    assert settings["IEP_ENVIRONMENT"] == "production"


def secret_refs(pod: dict[str, Any]) -> dict[str, str]:
    refs = {}
    for c in pod["spec"].get("initContainers", []) + pod["spec"]["containers"]:
        for env in c.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                refs[env["name"]] = f"{ref['name']}/{ref['key']}"
    return refs


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_by_name_and_never_held(overlay: str, rendered) -> None:
    docs = rendered[overlay]
    assert objects(docs, "Secret") == {}
    database = "iep-db-app/uri" if "Cluster" in {d["kind"] for d in docs} else "iep-database/uri"
    for name, deployment in objects(docs, "Deployment").items():
        refs = secret_refs(deployment["spec"]["template"])
        if name == "iep-web":  # the web app holds no database or key, only its own secrets
            assert {refs[v] for v in ("IEP_WEB_SECRET_KEY", "IEP_WEB_OIDC_CLIENT_SECRET")} == {
                "iep-web/secret-key", "iep-web/oidc-client-secret"}
        else:
            assert refs["IEP_DATABASE_URL"] == database
            assert refs["IEP_MASTER_KEY"] == "iep-master-key/master-key"
        assert {refs[v] for v in ("IEP_AUTH_ISSUER", "IEP_AUTH_AUDIENCE",
                                  "IEP_AUTH_JWKS_URL")} == {
            "iep-oidc/issuer", "iep-oidc/audience", "iep-oidc/jwks-url"}
    job = objects(docs, "Job")["iep-migrate"]
    assert secret_refs(job["spec"]["template"]) == {"IEP_DATABASE_URL": database}


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return pod["spec"].get("initContainers", []) + pod["spec"]["containers"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_locked_down(overlay: str, rendered) -> None:
    pods = [d["spec"]["template"] for d in rendered[overlay] if d["kind"] in ("Deployment", "Job")]
    for pod in pods:
        spec = pod["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        assert spec["enableServiceLinks"] is False
        for c in containers(pod):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert c["resources"]["requests"] and c["resources"]["limits"]
            assert c["image"].split(":")[-1] not in ("", "latest")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_apis_probe_the_real_endpoints(overlay: str, rendered) -> None:
    for name, deployment in objects(rendered[overlay], "Deployment").items():
        if not name.endswith("-api"):
            continue
        (api,) = deployment["spec"]["template"]["spec"]["containers"]
        assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert api["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_the_vendored_schemas_are_where_the_readme_says() -> None:
    assert (DEPLOY / "schemas" / "README.md").exists()
    assert sorted(p.parent.name for p in CRDS.glob("*/*.json")) == [
        "barmancloud.cnpg.io", "kafka.strimzi.io", "kafka.strimzi.io", "kafka.strimzi.io",
        "postgresql.cnpg.io", "postgresql.cnpg.io"]

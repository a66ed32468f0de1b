"""What the deployment checks share: the repository, the tools, the rendered overlays.

Nothing here builds or runs a container: the image, the compose file and the Kubernetes
manifests are checked statically, with tools installed from the lock file.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir() if p.is_dir())
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed: run `make install` (deploy-checks group)"
    return str(path)


def load_generator() -> ModuleType:
    if "iep_deploy_generate" not in sys.modules:
        spec = importlib.util.spec_from_file_location("iep_deploy_generate",
                                                      DEPLOY / "generate.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["iep_deploy_generate"]


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="session")
def services(generator: ModuleType) -> list[Any]:
    """The services of this repository as the generator sees them (from their specs)."""
    return list(generator.load_services())


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict[str, Any]]]:
    """Each overlay as `kubectl kustomize` renders it: the manifests a district applies."""
    out = {}
    for overlay in OVERLAYS:
        result = subprocess.run([tool("kubectl"), "kustomize", str(K8S / "overlays" / overlay)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"kustomize cannot render {overlay}:\n{result.stderr}"
        out[overlay] = [d for d in yaml.safe_load_all(result.stdout) if d]
    return out


@pytest.fixture(scope="session")
def rendered_dir(rendered: dict[str, list[dict[str, Any]]],
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    for overlay, docs in rendered.items():
        (folder / f"{overlay}.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return folder


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


@pytest.fixture(scope="session")
def find_tool() -> Any:
    return tool

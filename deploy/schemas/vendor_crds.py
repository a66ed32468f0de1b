"""Vendor the schemas of the operators' custom resources, for offline validation.

Usage: python deploy/schemas/vendor_crds.py CRD.yaml [CRD.yaml ...]

Reads CustomResourceDefinitions (the files an operator release installs) and writes, for
each served version, its `openAPIV3Schema` without descriptions to
`deploy/schemas/crds/<group>/<kind>-<version>.json`. The deployment tests validate every
custom resource of the rendered overlays against these files, rejecting unknown fields.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent / "crds"


def strip_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: strip_descriptions(v) for k, v in node.items()
                if not (k == "description" and isinstance(v, str))}
    if isinstance(node, list):
        return [strip_descriptions(v) for v in node]
    return node


def vendor(path: Path) -> list[Path]:
    written = []
    for crd in yaml.safe_load_all(path.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if not version.get("served"):
                continue
            schema = strip_descriptions(version["schema"]["openAPIV3Schema"])
            target = OUT / group / f"{kind.lower()}-{version['name']}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
            written.append(target)
    return written


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        for written in vendor(Path(arg)):
            print(written.relative_to(OUT))

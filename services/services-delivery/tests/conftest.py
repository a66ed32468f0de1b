"""Registers this folder's helper modules under names of their own (every service keeps its
tests in a folder called `tests`, so a package named `tests` would collide in a full run):
`delivery_specs` (plans, commands and folds for the domain tests) and `delivery_people`
(planning's events as published, and a desk that calls the API)."""

import importlib.util
import sys
from pathlib import Path


def _register(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_register("delivery_specs")
_register("delivery_people")

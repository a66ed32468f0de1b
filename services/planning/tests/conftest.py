"""Makes the planning tests' helpers importable under names of their own.

Every service keeps its tests in a folder called `tests`, and every service root is on
`sys.path` (editable installs), so a package named `tests` collides with the others in a
full run. The helpers live beside the tests and are registered here, before any test
module in this folder is imported: `planning_specs` (the domain's given/when builders)
and `planning_people` (the other services' events, and a desk that calls the API).
"""

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


_register("planning_specs")
_register("planning_people")

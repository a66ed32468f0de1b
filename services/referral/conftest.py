"""Makes `iep_referral` importable in tests before the workspace lock installs it."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("iep_referral") is None:
    sys.path.insert(0, str(Path(__file__).parent))

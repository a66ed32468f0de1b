"""The README's promises: two commands, and every setting the code reads documented."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_quick_start_holds_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick_start.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make up", "make test"]


def test_every_kernel_setting_is_documented():
    readme = (ROOT / "README.md").read_text()
    missing = [f"IEP_{name.upper()}" for name in Settings.model_fields
               if f"`IEP_{name.upper()}`" not in readme]
    assert missing == []


def test_ci_runs_make_test_and_nothing_else():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.startswith("#") and not line.startswith("set ")
             and not line.startswith("cd ")]
    assert lines == ["exec make test"]

"""The README's permission table is the code's own."""

from pathlib import Path

from iep_audit.service import service
from iep_kernel.permissions import render_markdown, table_of


def test_the_readme_shows_the_permission_table_of_the_routes():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert render_markdown(table_of([service])) in readme

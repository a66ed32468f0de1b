"""`iep seed --students N`: a synthetic district, made through the services' own APIs."""

from iep_views.seed.command import seed

__all__ = ["seed"]

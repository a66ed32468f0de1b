"""Filled in by the API tests."""

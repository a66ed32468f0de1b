"""The pages, one module per audience: parents, staff, auditors."""

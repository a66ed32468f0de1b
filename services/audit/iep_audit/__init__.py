"""The audit service of the IEP Lifecycle Platform."""

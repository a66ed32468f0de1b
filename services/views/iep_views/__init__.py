"""The views service of the IEP Lifecycle Platform."""

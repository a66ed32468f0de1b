"""The web app of the IEP Lifecycle Platform: pages for staff, parents and auditors."""

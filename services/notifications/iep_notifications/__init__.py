"""The notifications of the IEP lifecycle: notices and reminders to parents and staff by
email or paper, in their language, delivered exactly once in effect."""

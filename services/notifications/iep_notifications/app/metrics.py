"""The service's Prometheus metrics (labels never carry personal data)."""

from prometheus_client import Counter

LANGUAGE_FALLBACKS = Counter(
    "iep_notifications_language_fallback_total",
    "Messages written in English because the recipient's language has no templates",
    ["kind", "language"])
DELIVERED = Counter(
    "iep_notifications_delivery_total", "Outcomes of delivery attempts", ["outcome"])

"""Prometheus metrics every service exposes on /metrics. Labels never carry PII."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_APPENDED = Counter(
    "iep_events_appended_total", "Events appended to a service's event store", ["service"])
RELAY_PUBLISHED = Counter(
    "iep_relay_published_total", "Events the relay published to Kafka", ["service"])
RELAY_LAG = Gauge(
    "iep_relay_lag_events", "Committed events not yet published to Kafka", ["service"])
CONSUMER_APPLIED = Counter(
    "iep_consumer_applied_total", "Events a consumer applied", ["consumer"])
CONSUMER_DUPLICATES = Counter(
    "iep_consumer_duplicates_total", "Redelivered events a consumer skipped", ["consumer"])
CONSUMER_DEAD_LETTERS = Counter(
    "iep_consumer_dead_letters_total", "Events a consumer could not handle", ["consumer"])
CONSUMER_LAG = Gauge(
    "iep_consumer_lag_seconds", "Seconds between an event's commit and its application",
    ["consumer"])
HTTP_REQUESTS = Histogram(
    "iep_http_request_seconds", "HTTP request duration", ["service", "method", "status"])


def count_appended(service: str, count: int) -> None:
    EVENTS_APPENDED.labels(service=service).inc(count)

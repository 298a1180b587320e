"""What an operator can watch, in Prometheus's text format (``GET /metrics``).

Counters only count; nothing here holds a person's id or words. One registry per process:
`prometheus-client` renders it.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()

UPDATES = Counter("trustbot_updates_handled", "Updates from Telegram handled.", registry=REGISTRY)
REPLIES = Counter("trustbot_replies_sent", "Replies delivered to Telegram.", registry=REGISTRY)
RATE_LIMITED = Counter(
    "trustbot_telegram_429", "Answers of 429 Too Many Requests from Telegram.", registry=REGISTRY
)
TRIAGE = Counter(
    "trustbot_triage_levels", "Messages by triage level.", ["level"], registry=REGISTRY
)
DUE_BACKLOG = Gauge(
    "trustbot_due_backlog",
    "Prompts due but not yet claimed, as of the scheduler's last tick.",
    registry=REGISTRY,
)
LATENESS = Histogram(
    "trustbot_prompt_lateness_seconds",
    "How late scheduled prompts were sent, after their due instant.",
    buckets=(1, 5, 15, 60, 300, 900, 3600, 7200),
    registry=REGISTRY,
)


def render() -> bytes:
    return generate_latest(REGISTRY)

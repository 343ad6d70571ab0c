"""How many examples each Hypothesis property runs (set by tests/domain/conftest.py)."""
from __future__ import annotations

from hypothesis import HealthCheck, settings

SMOKE, FULL = 150, 5000
EXAMPLES = {"n": SMOKE, "full": False}


def configure(full: bool) -> None:
    EXAMPLES["n"] = FULL if full else SMOKE
    EXAMPLES["full"] = full


def fuzz(factor: float = 1.0) -> settings:
    """Settings for one property: the configured size times ``factor``, no deadline."""
    return settings(max_examples=max(10, int(EXAMPLES["n"] * factor)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow], derandomize=False)

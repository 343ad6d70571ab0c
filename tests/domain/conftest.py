"""Hypothesis sizes for the domain tests: smoke-sized by default, large with ``--full``.

The size lives in ``tests.domain.fuzz`` (read by the ``@settings`` decorators at import time),
not in a global Hypothesis profile, so other folders' tests are not affected.
"""
from __future__ import annotations

import pytest

from tests.domain import fuzz


def pytest_configure(config: pytest.Config) -> None:
    try:
        full = bool(config.getoption("--full"))
    except ValueError:
        full = False
    fuzz.configure(full)


def pytest_report_header(config: pytest.Config) -> str:
    return (f"domain fuzzing: {fuzz.EXAMPLES['n']} examples per property"
            + ("" if fuzz.EXAMPLES["full"] else " (smoke size; --full for the long campaign)"))

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


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say how big the fuzzing was, and how to run the long campaign."""
    if fuzz.EXAMPLES["full"]:
        terminalreporter.write_line(f"domain fuzzing: full size, {fuzz.EXAMPLES['n']} examples "
                                    "per property")
    else:
        terminalreporter.write_line(f"domain fuzzing: smoke size, {fuzz.EXAMPLES['n']} examples "
                                    f"per property (run with --full for {fuzz.FULL})")

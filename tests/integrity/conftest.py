from tests.services.conftest import ctx, demo_dir, demo_template, desk_dir, mini_template  # noqa: F401


import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _seal_key_dir() -> Path:
    """Where the test desks' seal keys are (tests/conftest.py sets a private folder)."""
    return Path(os.environ["DESK_APP_SEAL_KEY_DIR"])

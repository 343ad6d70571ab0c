"""Sync engine: relays the outbox to the provincial back end and pulls the unit feed (no Qt)."""
from typing import Any

__all__ = ["Credentials", "EngineConfig", "SyncEngine", "SyncReport"]

# sync_state keys, here so that reading them (the GUI's badge) does not load httpx
LAST_SYNC_KEY = "last_sync"
GOODPUT_KEY = "goodput_bps"


def __getattr__(name: str) -> Any:
    """Load the engine (httpx, jsonschema) on first use only: the window opens without them."""
    if name == "Credentials":
        from desk_app.sync.api import Credentials
        return Credentials
    if name in ("EngineConfig", "SyncEngine", "SyncReport"):
        from desk_app.sync import engine
        return getattr(engine, name)
    raise AttributeError(name)

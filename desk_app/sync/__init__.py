"""Sync engine: relays the outbox to the provincial back end and pulls the unit feed (no Qt)."""
from desk_app.sync.api import Credentials
from desk_app.sync.engine import EngineConfig, SyncEngine, SyncReport

__all__ = ["Credentials", "EngineConfig", "SyncEngine", "SyncReport"]

"""Deferred work: jobs that must run once, later, when the network allows (lane ``deferred``).

They ride the same outbox as records (so they survive kill -9 and show in the queue view) and are
dispatched by kind (``deferred.<name>``) to a handler registered here. A handler raises
:class:`~desk_app.sync.reasons.SyncFault` (or :class:`DeferredError`) to say retry or give up.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from desk_app.sync import reasons


@dataclass
class DeferredContext:
    """What a handler may use: the API session and a way to run a function on the store thread."""

    api: Any
    run_db: Callable[..., Awaitable[Any]]
    store: Any = None   # the engine's Store; touch it only inside run_db (its own thread)


Handler = Callable[[Any, DeferredContext], Awaitable[None]]
_HANDLERS: dict[str, Handler] = {}


class DeferredError(Exception):
    """A handler's failure; ``retryable=False`` sends the item to needs_attention."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def register(kind: str, handler: Handler) -> None:
    """Register the handler for ``kind`` (must start with ``deferred.``)."""
    if not kind.startswith("deferred."):
        raise ValueError("deferred kinds start with 'deferred.'")
    _HANDLERS[kind] = handler


def unregister(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise reasons.unknown_kind(kind) from None


def registered() -> list[str]:
    return sorted(_HANDLERS)

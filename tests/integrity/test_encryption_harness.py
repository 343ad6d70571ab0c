"""Running the existing suite on encrypted stores (issue 17 §3) — a pytest plugin, no tests here.

    DESK_APP_ENCRYPT=1 pytest -p tests.integrity.test_encryption_harness tests/store tests/…

``DESK_APP_ENCRYPT=1`` alone makes every store the suite creates encrypted (the product's own
switch, ``offline_store/cipher.py``). Many tests also look at or tamper with the database file
itself through the standard ``sqlite3.connect`` (dumps, row edits behind the app's back, template
copies): on an encrypted file that is "file is not a database". With this plugin, a
``sqlite3.connect`` *called from test code* (a module under ``tests.``) on a ``desk.sqlite3``
whose folder holds the encryption marker opens it with the desk's key instead — the attacker
*with* the key those tests play, so their edits and checks are real on the encrypted file.
Product code is never redirected: a product module that opens the file with the standard module
fails exactly as it would on a commune PC.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

_std_connect = sqlite3.connect


def _keyed_connect(database, *args, **kwargs):
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if caller.startswith("tests.") and isinstance(database, (str, os.PathLike)):
        p = Path(database)
        from offline_store import cipher

        marker = cipher.read_marker(p.parent) if p.name == "desk.sqlite3" else None
        if marker is not None:
            from offline_store.store import _ask_key

            req = cipher.KeyRequest(p.parent, marker["key_id"])
            _ask_key(req)
            if req.key is not None:
                timeout = kwargs.get("timeout", args[0] if args else 5.0)
                return cipher.open_encrypted(p, req.key, timeout=timeout,
                                             isolation_level=kwargs.get("isolation_level", ""),
                                             row_factory=False)
    return _std_connect(database, *args, **kwargs)


def pytest_configure(config) -> None:  # noqa: ARG001 — pytest hook
    if os.environ.get("DESK_APP_ENCRYPT", "").strip().lower() in ("1", "true", "yes", "on"):
        import desk_app.services.desk  # noqa: F401 — registers the desk's key provider

        sqlite3.connect = _keyed_connect


def pytest_report_header(config) -> str:  # noqa: ARG001 — pytest hook
    on = sqlite3.connect is _keyed_connect
    return "encrypted stores: " + ("on (DESK_APP_ENCRYPT=1)" if on else "off")

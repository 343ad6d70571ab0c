"""Where the seal key lives (offline_store/seal.py): never in the data folder.

The store names its key by a random id in ``meta.seal_key_id`` (not secret: a copied or moved
data folder finds the same key on this PC). The 32-byte key itself is kept in the OS keyring
(Windows Credential Manager, macOS Keychain, Secret Service); where no keyring works (headless
Linux: keyring's ``fail`` backend) in a 0600 file under the user's config folder — outside the
data dir — with a warning in the log. ``DESK_APP_SEAL_KEY_DIR`` overrides that folder (tests,
kiosks). A store whose key is not on this PC (moved to a new PC without the key) opens
unsealed; ``verify`` says so.

The same mechanism keeps an encrypted store's *data key* (kind "db", issue 17 §3): named by the
key id in the data folder's ``desk.encryption.json``, in the keyring (service ``desk-app-db``) or
a 0600 file under ``…/desk-app/db-keys/``. ``Store.open`` asks for it through the key provider
with an ``offline_store.cipher.KeyRequest``, which ``attach`` answers.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from offline_store import Store, repo

log = logging.getLogger(__name__)
SERVICE = "desk-app-seal"
ENV_DIR = "DESK_APP_SEAL_KEY_DIR"


def _keyring():
    """The keyring module when a real backend works, else None."""
    try:
        import keyring
        from keyring.backends import fail

        kr = keyring.get_keyring()
        if isinstance(kr, fail.Keyring) or type(kr).__name__ in ("Keyring",) and \
                type(kr).__module__.endswith(".fail"):
            return None
        return keyring
    except Exception:           # no module, broken D-Bus …
        return None


def key_dir(kind: str = "seal") -> Path:
    """Where key files go when no keyring works (``kind``: "seal" or "backup")."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env) if kind == "seal" else Path(env) / kind
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home())
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "desk-app" / f"{kind}-keys"


def _file(key_id: str, kind: str = "seal") -> Path:
    return key_dir(kind) / f"{key_id}.key"


def _service(kind: str) -> str:
    return SERVICE if kind == "seal" else f"desk-app-{kind}"


def load(key_id: str, kind: str = "seal") -> bytes | None:
    kr = None if os.environ.get(ENV_DIR) else _keyring()
    if kr is not None:
        try:
            v = kr.get_password(_service(kind), key_id)
            if v:
                return bytes.fromhex(v)
        except Exception:
            log.warning("the OS keyring could not be read; trying the key file")
    f = _file(key_id, kind)
    try:
        return bytes.fromhex(f.read_text("ascii").strip())
    except (OSError, ValueError):
        return None


def create(key_id: str, kind: str = "seal", key: bytes | None = None) -> tuple[bytes, str]:
    """A new key (or ``key``, e.g. restored from a backup), kept in the keyring or a 0600 file;
    returns (key, where it went: "keyring" or the file's path)."""
    key = key or secrets.token_bytes(32)
    kr = None if os.environ.get(ENV_DIR) else _keyring()
    if kr is not None:
        try:
            kr.set_password(_service(kind), key_id, key.hex())
            if kr.get_password(_service(kind), key_id) == key.hex():
                return key, "keyring"
        except Exception:
            pass
    d = key_dir(kind)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    f = _file(key_id, kind)
    if f.exists() and load(key_id, kind) == key:
        return key, str(f)
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
        fh.flush()
        os.fsync(fh.fileno())
    if os.name == "posix":
        os.chmod(f, 0o600)
    log.warning("no usable OS keyring: the %s key is kept in a 0600 file outside the data"
                " folder (%s)", kind, d)
    return key, str(f)


def data_key(req) -> bytes | None:
    """Answer ``Store.open``'s ``KeyRequest`` for an encrypted store's data key: load it, or
    (``req.create``) make and keep a new one. ``req.kept`` says where it went; when neither the
    keyring nor a key file could keep it, the key is not handed out (the store is not created:
    a key that was not kept would lock the data away at the next start)."""
    if req.create:
        try:
            key, where = create(req.key_id, "db")
        except OSError as exc:
            log.warning("the data key could not be kept (%s); the store is not created", exc)
            req.key, req.kept = None, ""
            return None
        if load(req.key_id, "db") != key:
            log.warning("the data key was not found again where it was kept; not created")
            req.key, req.kept = None, ""
            return None
        req.key, req.kept = key, where
        return key
    req.key = load(req.key_id, "db")
    return req.key


def attach(store: Store) -> bytes | None:
    """Find (or, for a store never sealed, create) the store's key and register it.
    Given an ``offline_store.cipher.KeyRequest`` instead (``Store.open`` of an encrypted store,
    before its database is opened): the data key (``data_key``)."""
    from offline_store.cipher import KeyRequest

    if isinstance(store, KeyRequest):
        return data_key(store)
    try:
        key_id = repo.get_meta(store.conn, "seal_key_id")
        if key_id is None:
            key_id = secrets.token_hex(12)
            key, _where = create(key_id)
            with store.transaction() as conn:
                if repo.get_meta(conn, "seal_key_id") is None:
                    repo.set_meta(conn, "seal_key_id", key_id)
                else:                       # another process started sealing first
                    key_id = repo.get_meta(conn, "seal_key_id")
                    key = None
            if key is None:
                key = load(key_id)
        else:
            key = load(key_id)
        if key is None:
            log.warning("the seal key of this store is not on this PC; it opens unsealed")
            return None
        store.set_seal_key(key)
        return key
    except OSError:
        log.warning("the seal key could not be kept; the store opens unsealed")
        return None

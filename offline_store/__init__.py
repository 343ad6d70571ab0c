"""offline_store: the desk's SQLite database, blobs, outbox and audit log (no desk_app imports)."""
from offline_store.blobs import BlobCorrupt, BlobStore
from offline_store.store import Store
from offline_store.verify import VerifyReport

__all__ = ["Store", "BlobStore", "BlobCorrupt", "VerifyReport"]

-- Issue 17: keyed seals. One HMAC per local dossier over what was received (its intake columns,
-- components, first event, scanned attachments and its dossier.create outbox item); the key is
-- not in this database (offline_store/seal.py). A head seal in meta covers the tail of the
-- audit chain and the row counts, so removing the last rows is caught too.
CREATE TABLE dossier_seals (
    dossier_id INTEGER PRIMARY KEY,
    mac        TEXT NOT NULL
);

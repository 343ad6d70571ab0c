-- Schema version 2: province options, unit code history (2025 mergers), intake idempotency.

-- Province / installation options as text key/value. Known keys (services read them with
-- defaults): afternoon_cutoff ('' = off, else 'HH:MM'), office_end ('17:00'), lookup_url,
-- serial_width ('4'). Kept apart from meta (identity of this desk) so a catalog pull or an
-- administrator may change them without touching the desk's identity.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO settings(key, value, updated_at) VALUES
    ('afternoon_cutoff', '', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('office_end', '17:00', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('serial_width', '4', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Every change of a unit's identifier code (temporary -> final codes, mergers). Old dossiers keep
-- their old unit_code; this table lets search, reports and the feed map old codes to new ones.
CREATE TABLE unit_code_changes (
    id          INTEGER PRIMARY KEY,
    old_code    TEXT NOT NULL,
    new_code    TEXT NOT NULL,
    effective   TEXT NOT NULL,               -- YYYY-MM-DD
    reason      TEXT NOT NULL DEFAULT '',    -- 'merger' | 'temporary->final' | ...
    recorded_at TEXT NOT NULL,
    UNIQUE (old_code, new_code, effective)
);
CREATE INDEX unit_code_changes_new ON unit_code_changes(new_code);

-- A clerk's double click (or a retried call) carries the same request_id: one dossier.
CREATE TABLE intake_requests (
    request_id TEXT PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    created_at TEXT NOT NULL
);

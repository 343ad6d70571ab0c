-- Schema version 1: the whole first store. Times are ISO-8601 text with offset (+07:00),
-- dates are YYYY-MM-DD, money is integer VND, text is NFC. *_folded columns hold text folded
-- for search (no diacritics, đ -> d, lower case); the caller folds, the store never does.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);  -- desk_no, unit_code (this desk's current unit), install_id, created_at

CREATE TABLE units (
    code          TEXT PRIMARY KEY,          -- electronic identifier code 000.23.32.H48
    name          TEXT NOT NULL,
    province_name TEXT NOT NULL DEFAULT '',
    parent_code   TEXT,
    address       TEXT NOT NULL DEFAULT '',
    replaced_by   TEXT,                      -- merger: the new unit's code; old rows are kept
    lookup_url    TEXT,
    valid_from    TEXT,
    valid_to      TEXT
);

CREATE TABLE procedures (
    code        TEXT PRIMARY KEY,            -- national TTHC code 1.001193
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    field_code  TEXT NOT NULL,
    field_name  TEXT NOT NULL,
    level       TEXT NOT NULL,
    time_kind   TEXT NOT NULL CHECK (time_kind IN ('same_day','immediate','working_days','calendar_days')),
    time_days   INTEGER NOT NULL DEFAULT 0,
    cutoff      TEXT,                        -- '15:00' or NULL
    fee_json    TEXT NOT NULL DEFAULT '{"kind":"free"}',
    result_type TEXT NOT NULL DEFAULT '',
    portal_id   TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    catalog_version TEXT
);

CREATE TABLE procedure_components (
    procedure_code TEXT NOT NULL REFERENCES procedures(code) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    name           TEXT NOT NULL,
    originals      INTEGER NOT NULL DEFAULT 0,
    copies         INTEGER NOT NULL DEFAULT 0,
    required       INTEGER NOT NULL DEFAULT 1,
    code           TEXT,
    PRIMARY KEY (procedure_code, seq)
);

CREATE TABLE calendar_days (
    day    TEXT NOT NULL,                    -- YYYY-MM-DD
    source TEXT NOT NULL CHECK (source IN ('national','province')),
    kind   TEXT NOT NULL CHECK (kind IN ('off','work')),   -- off = day off; work = make-up working day
    name   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, source)
);

CREATE TABLE applicants (
    id          INTEGER PRIMARY KEY,
    id_number   TEXT NOT NULL UNIQUE,
    kind        INTEGER NOT NULL DEFAULT 1,
    full_name   TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    birth_date  TEXT,
    sex         TEXT,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    old_id_number TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE daily_serials (
    unit_code   TEXT NOT NULL,
    day         TEXT NOT NULL,               -- yymmdd as in the code
    desk_no     INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (unit_code, day, desk_no)
);

CREATE TABLE dossiers (
    id               INTEGER PRIMARY KEY,
    record_id        TEXT NOT NULL UNIQUE,   -- UUIDv7
    code             TEXT NOT NULL UNIQUE,   -- MaHoSo
    unit_code        TEXT NOT NULL,
    desk_no          INTEGER NOT NULL,
    procedure_code   TEXT NOT NULL,
    procedure_name   TEXT NOT NULL,
    applicant_id     INTEGER REFERENCES applicants(id),
    applicant_name   TEXT NOT NULL,
    applicant_id_number TEXT NOT NULL,
    applicant_phone  TEXT NOT NULL DEFAULT '',
    applicant_address TEXT NOT NULL DEFAULT '',
    on_behalf_of     TEXT NOT NULL DEFAULT '',
    delivery         TEXT NOT NULL DEFAULT 'desk' CHECK (delivery IN ('desk','post')),
    delivery_address TEXT NOT NULL DEFAULT '',
    fee_amount       INTEGER NOT NULL DEFAULT 0,
    fee_note         TEXT NOT NULL DEFAULT '',
    sets             INTEGER NOT NULL DEFAULT 1,
    received_at      TEXT NOT NULL,
    due_at           TEXT,
    status           TEXT NOT NULL,
    clerk            TEXT NOT NULL,
    receipt_no       TEXT NOT NULL DEFAULT '',
    logbook_no       TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    origin           TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local','feed')),
    server_receipt_no TEXT NOT NULL DEFAULT '',
    server_version   INTEGER,
    sync_state       TEXT NOT NULL DEFAULT 'local',
    sync_error       TEXT NOT NULL DEFAULT '',
    search_folded    TEXT NOT NULL,          -- folded code + name + id number + phone + procedure
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE INDEX dossiers_id_number ON dossiers(applicant_id_number);
CREATE INDEX dossiers_phone ON dossiers(applicant_phone);
CREATE INDEX dossiers_status ON dossiers(status);

-- Full-text index over the folded text; contentless, rowid = dossiers.id.
CREATE VIRTUAL TABLE dossier_fts USING fts5(search_folded, content='dossiers', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.-'");
CREATE TRIGGER dossiers_fts_ai AFTER INSERT ON dossiers BEGIN
    INSERT INTO dossier_fts(rowid, search_folded) VALUES (new.id, new.search_folded);
END;
CREATE TRIGGER dossiers_fts_ad AFTER DELETE ON dossiers BEGIN
    INSERT INTO dossier_fts(dossier_fts, rowid, search_folded) VALUES ('delete', old.id, old.search_folded);
END;
CREATE TRIGGER dossiers_fts_au AFTER UPDATE OF search_folded ON dossiers BEGIN
    INSERT INTO dossier_fts(dossier_fts, rowid, search_folded) VALUES ('delete', old.id, old.search_folded);
    INSERT INTO dossier_fts(rowid, search_folded) VALUES (new.id, new.search_folded);
END;

CREATE TABLE dossier_components (
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    form       TEXT NOT NULL CHECK (form IN ('original','copy','certified_copy')),
    quantity   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (dossier_id, seq)
);

CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossiers(id),
    component_seq INTEGER,
    sha256        TEXT NOT NULL,             -- names the blob
    size          INTEGER NOT NULL,
    filename      TEXT NOT NULL,
    mime          TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'scan',  -- scan | receipt | form | result
    created_at    TEXT NOT NULL,
    UNIQUE (dossier_id, sha256, kind)
);
CREATE INDEX attachments_sha ON attachments(sha256);

-- Transactional outbox: written in the same transaction as the row it describes.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    op_id           TEXT NOT NULL UNIQUE,    -- idempotency key sent to the server
    kind            TEXT NOT NULL,           -- dossier.create | dossier.update | deferred.<name>
    lane            TEXT NOT NULL CHECK (lane IN ('record','bulk','deferred')),
    dossier_id      INTEGER REFERENCES dossiers(id),
    record_id       TEXT,
    payload_json    TEXT NOT NULL,           -- the record as sent (national vocabulary)
    base_version    INTEGER,
    clerk           TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued','sending','awaiting','done','needs_attention')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,           -- UTC ISO; ready when <= now
    lease_owner     TEXT,
    lease_until     TEXT,                    -- UTC ISO; a lapsed lease makes the item ready again
    bytes_total     INTEGER NOT NULL DEFAULT 0,
    bytes_sent      INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    server_receipt_no TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    done_at         TEXT
);
CREATE INDEX outbox_ready ON outbox(state, lane, next_attempt_at);

-- Sync bookkeeping: feed cursor, last successful sync, catalog etag.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical JSON of the row's fields).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail_json TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

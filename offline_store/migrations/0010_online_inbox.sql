-- Issue 16, part 2: dossiers citizens filed on the public-service portal, as they arrive through
-- the unit feed ("Hồ sơ trực tuyến chờ tiếp nhận"), before and after the clerk's decision.
--
-- online_inbox.portal_id       the portal's id (DVC-yyyymmdd-XXXXXXXX); unique per desk store.
-- online_inbox.record_id       the portal dossier's identity in the feed (not a dossier's).
-- online_inbox.version         the feed version applied (older or equal versions are skipped).
-- online_inbox.state           pending | accepted | supplement_requested | refused, as this desk
--                              knows it (its own decision at once, other desks' through the feed).
-- online_inbox.filed_at        ISO-8601 +07:00, when the citizen filed it (the §3 due-date rule).
-- online_inbox.components_json [{seq, name, form, quantity, MaThanhPhanHoSo}] as filed.
-- online_inbox.files_json      [{sha256, filename, size, component, mime}]: fetched into the blob
--                              store by the deferred lane (the blob's presence says fetched).
-- online_inbox.record_json     the whole feed record, kept as received.
-- online_inbox.dossier_id      the dossier the clerk's acceptance created at this desk.
-- online_inbox.code / due_at   the code and due date given at acceptance (this desk or another).
-- dossiers.portal_id           the portal id of a dossier accepted from the online inbox.
CREATE TABLE online_inbox (
    id               INTEGER PRIMARY KEY,
    portal_id        TEXT NOT NULL UNIQUE,
    record_id        TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    unit_code        TEXT NOT NULL DEFAULT '',
    procedure_code   TEXT NOT NULL DEFAULT '',
    procedure_name   TEXT NOT NULL DEFAULT '',
    applicant_name   TEXT NOT NULL DEFAULT '',
    applicant_id_number TEXT NOT NULL DEFAULT '',
    applicant_kind   INTEGER NOT NULL DEFAULT 1,
    applicant_phone  TEXT NOT NULL DEFAULT '',
    applicant_email  TEXT NOT NULL DEFAULT '',
    applicant_address TEXT NOT NULL DEFAULT '',
    filed_at         TEXT NOT NULL,
    components_json  TEXT NOT NULL DEFAULT '[]',
    files_json       TEXT NOT NULL DEFAULT '[]',
    record_json      TEXT NOT NULL DEFAULT '{}',
    state            TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending','accepted','supplement_requested','refused')),
    reason           TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TEXT,
    dossier_id       INTEGER REFERENCES dossiers(id),
    code             TEXT NOT NULL DEFAULT '',
    due_at           TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX online_inbox_state ON online_inbox(state, filed_at);

ALTER TABLE dossiers ADD COLUMN portal_id TEXT;
CREATE UNIQUE INDEX dossiers_portal_id ON dossiers(portal_id) WHERE portal_id IS NOT NULL;

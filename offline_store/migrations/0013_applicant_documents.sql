-- Schema version 13 (issue 14): never scan twice, and the text of scans for local search.
--
-- applicant_documents: each applicant's digitised papers (ID card, birth certificate, household
-- papers, earlier results), one row per (applicant, blob). ``doc_type`` is a key of
-- desk_app/services/scanning/doc_types.json (NULL-free: '' = a paper of no reusable type, e.g. a
-- form filled for one dossier). ``on_server`` becomes 1 once an outbox item naming the blob is
-- done (trigger below) or the dossier came from the province (feed): re-using it uploads nothing.
CREATE TABLE applicant_documents (
    id                   INTEGER PRIMARY KEY,
    applicant_id         INTEGER NOT NULL REFERENCES applicants(id),
    doc_type             TEXT NOT NULL,
    sha256               TEXT NOT NULL,
    size                 INTEGER NOT NULL,
    pages                INTEGER,
    mime                 TEXT NOT NULL,
    filename             TEXT NOT NULL,
    source_dossier_id    INTEGER REFERENCES dossiers(id),
    source_component_seq INTEGER,
    source_kind          TEXT NOT NULL DEFAULT 'scan' CHECK (source_kind IN ('scan','result')),
    digitised_at         TEXT NOT NULL,             -- the attachment's created_at (UTC ISO)
    on_server            INTEGER NOT NULL DEFAULT 0 CHECK (on_server IN (0, 1)),
    UNIQUE (applicant_id, sha256)
);
CREATE INDEX applicant_documents_type ON applicant_documents(applicant_id, doc_type);
CREATE INDEX applicant_documents_sha ON applicant_documents(sha256);

-- Each time a held document serves a dossier component: fresh (reused = 0, the scan that made
-- it) or re-used (reused = 1, attached from the store with no new scan and no upload). The
-- digitisation figures (desk_app/reports/figures.py "reused", "reuse_basis") read this.
CREATE TABLE document_uses (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES applicant_documents(id),
    dossier_id    INTEGER NOT NULL REFERENCES dossiers(id),
    component_seq INTEGER,
    doc_type      TEXT NOT NULL,
    reused        INTEGER NOT NULL CHECK (reused IN (0, 1)),
    at            TEXT NOT NULL,                    -- UTC ISO
    UNIQUE (document_id, dossier_id, component_seq)
);
CREATE INDEX document_uses_dossier ON document_uses(dossier_id);

-- Bookkeeping of the catch-up that records attachments into applicant_documents (results and
-- feed files arrive through code that does not know about this store).
CREATE TABLE applicant_documents_cursor (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_attachment INTEGER NOT NULL DEFAULT 0,
    last_dossier    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO applicant_documents_cursor(id, last_attachment, last_dossier) VALUES (1, 0, 0);

-- The document type each component of a dossier asks for (only reusable types are stored):
-- the "re-use" figure's basis is a dossier that asked for a paper its applicant already had
-- digitised (desk_app/reports/digitisation.py).
CREATE TABLE dossier_component_types (
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    seq        INTEGER NOT NULL,
    doc_type   TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER applicant_documents_uploaded AFTER UPDATE OF state ON outbox
WHEN new.state = 'done' AND old.state <> 'done' AND json_valid(new.payload_json) BEGIN
    UPDATE applicant_documents SET on_server = 1
    WHERE on_server = 0 AND sha256 IN (
        SELECT json_extract(j.value, '$.TepDinhKemId')
        FROM json_each(new.payload_json, '$.TaiLieuNop') j
        UNION
        SELECT json_extract(k.value, '$.TepDinhKemId')
        FROM json_each(new.payload_json, '$.DanhSachGiayToKetQua') k);
END;

-- OCR text per attachment ("tìm trong nội dung hồ sơ"): never used to fill names. ``text_folded``
-- is desk_app.domain.text.fold of the text (no diacritics, đ → d) for the FTS5 index.
CREATE TABLE attachment_text (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id),
    dossier_id    INTEGER NOT NULL REFERENCES dossiers(id),
    sha256        TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'vie',
    text          TEXT NOT NULL,
    text_folded   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX attachment_text_dossier ON attachment_text(dossier_id);
CREATE VIRTUAL TABLE attachment_text_fts USING fts5(text_folded, content='attachment_text',
    content_rowid='attachment_id', tokenize = "unicode61 remove_diacritics 0");
CREATE TRIGGER attachment_text_ai AFTER INSERT ON attachment_text BEGIN
    INSERT INTO attachment_text_fts(rowid, text_folded) VALUES (new.attachment_id, new.text_folded);
END;
CREATE TRIGGER attachment_text_ad AFTER DELETE ON attachment_text BEGIN
    INSERT INTO attachment_text_fts(attachment_text_fts, rowid, text_folded)
        VALUES ('delete', old.attachment_id, old.text_folded);
END;
CREATE TRIGGER attachment_text_au AFTER UPDATE OF text_folded ON attachment_text BEGIN
    INSERT INTO attachment_text_fts(attachment_text_fts, rowid, text_folded)
        VALUES ('delete', old.attachment_id, old.text_folded);
    INSERT INTO attachment_text_fts(rowid, text_folded) VALUES (new.attachment_id, new.text_folded);
END;

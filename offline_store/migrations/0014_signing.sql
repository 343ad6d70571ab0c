-- Issue 15: signed versions of a dossier's files, and the electronic certification book.
--
-- attachments.version       1 for a file as received/attached; n+1 for the version that
--                           replaces version n (a signed PDF, or a signed one upgraded to B-LT).
-- attachments.supersedes    the attachment this version replaces (same dossier, same kind), NULL
--                           for a first version. The old row is kept; "current" = no row
--                           supersedes it. One successor per version (a straight chain).
-- attachments.signed_level  '' unsigned; 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' for a signed PDF.
-- attachments.signed_by     who signed it (certificate common name), '' unsigned.
--
-- certbook_entries          the electronic certification book (sổ chứng thực bản sao từ bản
--                           chính, SCT/BS): one book per desk ("quyển số"), numbered from 1 each
--                           year, one number per certified copy. The triggers refuse a number that
--                           is not the next one of its book and year (no gap, no duplicate), a
--                           deletion, and a renumbering. The copy's attachment (when the copy
--                           belongs to a dossier) is written in the same transaction.
ALTER TABLE attachments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE attachments ADD COLUMN supersedes INTEGER REFERENCES attachments(id);
ALTER TABLE attachments ADD COLUMN signed_level TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN signed_by TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX attachments_supersedes ON attachments(supersedes) WHERE supersedes IS NOT NULL;

CREATE TABLE certbook_entries (
    id            INTEGER PRIMARY KEY,
    book          TEXT NOT NULL,             -- "02" (this desk's quyển số)
    year          INTEGER NOT NULL,
    number        INTEGER NOT NULL CHECK (number >= 1),
    kind          TEXT NOT NULL DEFAULT 'SCT/BS',
    issued_at     TEXT NOT NULL,             -- ISO 8601, +07:00
    desk          TEXT NOT NULL,
    certifier     TEXT NOT NULL,
    document      TEXT NOT NULL,
    applicant     TEXT NOT NULL,
    pages         INTEGER NOT NULL CHECK (pages >= 1),
    copies        INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1),
    fee           INTEGER NOT NULL CHECK (fee >= 0),
    copy_sha256   TEXT NOT NULL DEFAULT '',
    dossier_id    INTEGER REFERENCES dossiers(id),
    attachment_id INTEGER REFERENCES attachments(id),
    source        TEXT NOT NULL DEFAULT 'desk' CHECK (source IN ('desk','file')),
    created_at    TEXT NOT NULL,
    UNIQUE (book, year, number)
);
CREATE INDEX certbook_issued ON certbook_entries(issued_at);

CREATE TRIGGER certbook_consecutive BEFORE INSERT ON certbook_entries
WHEN new.number != (SELECT coalesce(max(number), 0) + 1 FROM certbook_entries
                    WHERE book = new.book AND year = new.year)
BEGIN SELECT RAISE(ABORT, 'certbook numbers are consecutive per book and year'); END;
CREATE TRIGGER certbook_no_delete BEFORE DELETE ON certbook_entries
BEGIN SELECT RAISE(ABORT, 'certbook entries are never deleted'); END;
CREATE TRIGGER certbook_no_renumber BEFORE UPDATE OF book, year, number, issued_at
    ON certbook_entries
BEGIN SELECT RAISE(ABORT, 'certbook entries are never renumbered'); END;

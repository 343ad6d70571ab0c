-- Schema version 4: prefix indexes of 1..6 characters on the dossier full-text index (v3 had 1..3).
-- For a typed prefix longer than any prefix index, FTS5 first merges the whole doclists of every
-- matching term into memory before it can stop at the LIMIT: "nguyen"* alone took ~20 ms at 10^6
-- dossiers (38 % of people are Nguyễn), "1.00"* (procedure codes) ~33 ms. With prefix indexes of
-- 1..6 characters (Vietnamese syllables have at most 7 letters) a typed prefix is one doclist, read
-- newest first and abandoned at the LIMIT like any word (~1.5 ms). Cost at 10^6 dossiers: +14 %
-- database size; the rebuild below takes ~15–20 s there (seconds on a real desk).
DROP TRIGGER dossiers_fts_ai;
DROP TRIGGER dossiers_fts_ad;
DROP TRIGGER dossiers_fts_au;
DROP TABLE dossier_fts;
CREATE VIRTUAL TABLE dossier_fts USING fts5(search_folded, content='dossiers', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.-'", prefix = '1 2 3 4 5 6');
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
INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild');

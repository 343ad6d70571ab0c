-- Schema version 3: prefix indexes on the dossier full-text index.
-- The search box treats the last word as a prefix ("nguyen van a"). Without a prefix index FTS5
-- merges the doclists of every term starting with "a" (an, anh, ...) before it can stop at the
-- LIMIT: tens of milliseconds at 10^5 dossiers, far more at 10^6. With prefix='1 2 3' a short
-- prefix is one doclist, read newest first and abandoned at the LIMIT like any word.
DROP TRIGGER dossiers_fts_ai;
DROP TRIGGER dossiers_fts_ad;
DROP TRIGGER dossiers_fts_au;
DROP TABLE dossier_fts;
CREATE VIRTUAL TABLE dossier_fts USING fts5(search_folded, content='dossiers', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.-'", prefix = '1 2 3');
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

-- Issue 16, parts 3–6: fees collected at the desk, the cash summary a supervisor signs off, the
-- citizen's rating, and what the supervisor's figures and work queues need to stay fast.
--
-- fee_payments   one row per collection at the desk (money is integer VND). An exemption is a
--                code of desk_app/domain/fees.py EXEMPTIONS (amount 0); pages = pages of the
--                original for per-page certified copies. day = the local date (cash summary).
-- cash_signoffs  the supervisor's sign-off of one clerk's takings of one day (total as signed).
-- ratings        the citizen's rating, anonymous: no person is stored, only the dossier, the
--                stage, the level (1 = best; the levels are the province's setting
--                rating_levels) and whether that level counts as satisfied at the time.
-- report_facts   per dossier, what the reports count and the dossiers table does not hold:
--                components, components with a scan, result files, ratings, and the due time
--                before the first delay (Mẫu 04: an apology for a late dossier does not make it
--                on time). Kept by the triggers below whoever writes the rows (intake,
--                lifecycle, feed, demo).
CREATE TABLE fee_payments (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    exemption   TEXT NOT NULL DEFAULT '',
    pages       INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
    copies      INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 0),
    note        TEXT NOT NULL DEFAULT '',
    clerk       TEXT NOT NULL,
    day         TEXT NOT NULL,               -- YYYY-MM-DD, Vietnam time
    at          TEXT NOT NULL,
    receipt_no  TEXT NOT NULL UNIQUE
);
CREATE INDEX fee_payments_day ON fee_payments(day, clerk);
CREATE INDEX fee_payments_dossier ON fee_payments(dossier_id);

CREATE TABLE cash_signoffs (
    clerk       TEXT NOT NULL,
    day         TEXT NOT NULL,
    total       INTEGER NOT NULL,
    payments    INTEGER NOT NULL,
    supervisor  TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (clerk, day)
);

CREATE TABLE ratings (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    stage       TEXT NOT NULL CHECK (stage IN ('intake','return')),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 9),
    satisfied   INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
    comment     TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    UNIQUE (dossier_id, stage)
);
CREATE INDEX ratings_at ON ratings(at);

CREATE TABLE report_facts (
    dossier_id   INTEGER PRIMARY KEY,
    components   INTEGER NOT NULL DEFAULT 0,
    scanned      INTEGER NOT NULL DEFAULT 0,   -- components with at least one scan
    result_files INTEGER NOT NULL DEFAULT 0,
    ratings      INTEGER NOT NULL DEFAULT 0,
    satisfied    INTEGER NOT NULL DEFAULT 0,
    due_before_delay TEXT                      -- detail_json.old_due of the first delay event
);

CREATE TRIGGER report_facts_components AFTER INSERT ON dossier_components BEGIN
    INSERT INTO report_facts(dossier_id) VALUES (new.dossier_id) ON CONFLICT DO NOTHING;
    UPDATE report_facts SET components = components + 1,
        scanned = (SELECT count(DISTINCT a.component_seq) FROM attachments a
                   WHERE a.dossier_id = new.dossier_id AND a.kind = 'scan'
                     AND a.component_seq IN (SELECT seq FROM dossier_components c
                                             WHERE c.dossier_id = new.dossier_id))
    WHERE dossier_id = new.dossier_id;
END;
CREATE TRIGGER report_facts_attach AFTER INSERT ON attachments BEGIN
    INSERT INTO report_facts(dossier_id) VALUES (new.dossier_id) ON CONFLICT DO NOTHING;
    UPDATE report_facts SET
        scanned = (SELECT count(DISTINCT a.component_seq) FROM attachments a
                   WHERE a.dossier_id = new.dossier_id AND a.kind = 'scan'
                     AND a.component_seq IN (SELECT seq FROM dossier_components c
                                             WHERE c.dossier_id = new.dossier_id)),
        result_files = (SELECT count(*) FROM attachments a
                        WHERE a.dossier_id = new.dossier_id AND a.kind = 'result')
    WHERE dossier_id = new.dossier_id;
END;
CREATE TRIGGER report_facts_detach AFTER DELETE ON attachments BEGIN
    UPDATE report_facts SET
        scanned = (SELECT count(DISTINCT a.component_seq) FROM attachments a
                   WHERE a.dossier_id = old.dossier_id AND a.kind = 'scan'
                     AND a.component_seq IN (SELECT seq FROM dossier_components c
                                             WHERE c.dossier_id = old.dossier_id)),
        result_files = (SELECT count(*) FROM attachments a
                        WHERE a.dossier_id = old.dossier_id AND a.kind = 'result')
    WHERE dossier_id = old.dossier_id;
END;
CREATE TRIGGER report_facts_rating AFTER INSERT ON ratings BEGIN
    INSERT INTO report_facts(dossier_id) VALUES (new.dossier_id) ON CONFLICT DO NOTHING;
    UPDATE report_facts SET ratings = ratings + 1, satisfied = satisfied + new.satisfied
    WHERE dossier_id = new.dossier_id;
END;
CREATE TRIGGER report_facts_delay AFTER INSERT ON dossier_events WHEN new.kind = 'delay' BEGIN
    INSERT INTO report_facts(dossier_id) VALUES (new.dossier_id) ON CONFLICT DO NOTHING;
    UPDATE report_facts SET due_before_delay = json_extract(new.detail_json, '$.old_due')
    WHERE dossier_id = new.dossier_id AND due_before_delay IS NULL
      AND json_valid(new.detail_json);
END;

-- Backfill from what the store already holds.
INSERT INTO report_facts(dossier_id, components)
    SELECT dossier_id, count(*) FROM dossier_components GROUP BY dossier_id;
INSERT INTO report_facts(dossier_id) SELECT DISTINCT dossier_id FROM attachments
    WHERE true ON CONFLICT DO NOTHING;
UPDATE report_facts SET
    scanned = (SELECT count(DISTINCT a.component_seq) FROM attachments a
               WHERE a.dossier_id = report_facts.dossier_id AND a.kind = 'scan'
                 AND a.component_seq IN (SELECT seq FROM dossier_components c
                                         WHERE c.dossier_id = report_facts.dossier_id)),
    result_files = (SELECT count(*) FROM attachments a
                    WHERE a.dossier_id = report_facts.dossier_id AND a.kind = 'result');
INSERT INTO report_facts(dossier_id) SELECT DISTINCT dossier_id FROM dossier_events
    WHERE kind = 'delay' ON CONFLICT DO NOTHING;
UPDATE report_facts SET due_before_delay = (
    SELECT json_extract(e.detail_json, '$.old_due') FROM dossier_events e
    WHERE e.dossier_id = report_facts.dossier_id AND e.kind = 'delay' AND json_valid(e.detail_json)
    ORDER BY e.id LIMIT 1);

-- Work queues: open dossiers by status and due time; sync problems; reports by period.
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);
CREATE INDEX dossiers_sync_state ON dossiers(sync_state);
CREATE INDEX dossier_events_dossier_kind ON dossier_events(dossier_id, kind);

-- Issue 16, part 1: the life of a dossier after intake (hand-overs, supplements, delays,
-- results, returns). The column names and meanings below are a contract other code relies on.
--
-- dossiers.channel            how the dossier was filed: desk | online | post.
-- dossiers.original_due_at    the first appointment (due date) given; due_at may move later
--                             (supplement received: paused working days added; delay: Mẫu 04).
-- dossiers.resolved_at        when processing finished: result ready, refused after processing
--                             (any refusal transition; counter refusals are not dossiers), or
--                             stopped (Mẫu 05).
-- dossiers.returned_at        when the dossier was closed towards the applicant: result handed
--                             over at the desk or posted, or it reached another final status
--                             (refused, withdrawn, stopped).
-- dossiers.paused_working_days  working days the clock stood still (supplement requests), summed.
-- dossiers.paused_at          set while the clock is stopped (waiting for a supplement), else NULL.
-- dossiers.delivery_done      'desk' | 'post' once the result was returned, '' before.
-- dossiers.returned_to        who received the result at the desk (the applicant's signature) or
--                             the post item number when posted.
-- dossiers.processing_agency  the agency handling it now (last hand-over), '' = this unit.
-- dossier_events.kind         status | handover | supplement_request | supplement_received |
--                             delay | result | return | note
-- dossier_events.detail_json  the event's facts (agency, giver/receiver, new due, file...).
ALTER TABLE dossiers ADD COLUMN channel TEXT NOT NULL DEFAULT 'desk'
    CHECK (channel IN ('desk','online','post'));
ALTER TABLE dossiers ADD COLUMN original_due_at TEXT;
ALTER TABLE dossiers ADD COLUMN resolved_at TEXT;
ALTER TABLE dossiers ADD COLUMN returned_at TEXT;
ALTER TABLE dossiers ADD COLUMN paused_working_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN paused_at TEXT;
ALTER TABLE dossiers ADD COLUMN delivery_done TEXT NOT NULL DEFAULT ''
    CHECK (delivery_done IN ('','desk','post'));
ALTER TABLE dossiers ADD COLUMN returned_to TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN processing_agency TEXT NOT NULL DEFAULT '';

ALTER TABLE dossier_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'status'
    CHECK (kind IN ('status','handover','supplement_request','supplement_received','delay',
                    'result','return','note'));
ALTER TABLE dossier_events ADD COLUMN detail_json TEXT NOT NULL DEFAULT '{}';

-- Backfill from what the store already holds.
UPDATE dossiers SET original_due_at = due_at;

UPDATE dossiers SET resolved_at = (
    SELECT min(e.at) FROM dossier_events e WHERE e.dossier_id = dossiers.id
      AND (e.to_status IN ('result_ready', 'stopped')
           OR (e.to_status = 'refused' AND e.from_status IS NOT NULL)));

UPDATE dossiers SET returned_at = (
    SELECT max(e.at) FROM dossier_events e WHERE e.dossier_id = dossiers.id
      AND e.to_status IN ('returned', 'refused', 'withdrawn', 'stopped'))
WHERE status IN ('returned', 'refused', 'withdrawn', 'stopped');

UPDATE dossiers SET paused_at = (
    SELECT max(e.at) FROM dossier_events e WHERE e.dossier_id = dossiers.id
      AND e.to_status = 'waiting_supplement' AND e.from_status IS NOT NULL)
WHERE status = 'waiting_supplement';

UPDATE dossiers SET delivery_done = delivery WHERE status = 'returned';

UPDATE dossier_events SET kind = CASE
    WHEN to_status = 'in_process' AND from_status IS NOT NULL THEN 'handover'
    WHEN to_status = 'waiting_supplement' THEN 'supplement_request'
    WHEN to_status = 'supplemented' THEN 'supplement_received'
    WHEN to_status = 'result_ready' THEN 'result'
    WHEN to_status = 'returned' THEN 'return'
    ELSE 'status' END;

-- New rows keep their first appointment without every writer having to know the column.
CREATE TRIGGER dossiers_original_due AFTER INSERT ON dossiers
WHEN new.original_due_at IS NULL AND new.due_at IS NOT NULL
BEGIN
    UPDATE dossiers SET original_due_at = new.due_at WHERE id = new.id;
END;

CREATE INDEX dossiers_due ON dossiers(due_at);
CREATE INDEX dossiers_resolved ON dossiers(resolved_at);
CREATE INDEX dossier_events_kind ON dossier_events(kind, at);

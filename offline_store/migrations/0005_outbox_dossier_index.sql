-- Schema version 5: index the outbox by dossier. Acknowledging an item looks for the dossier's
-- other pending items (to set dossiers.sync_state), and the relay keeps create-before-update order
-- per dossier; both scanned the whole outbox, which made draining 10,000 items take ~72 s.
CREATE INDEX IF NOT EXISTS outbox_dossier ON outbox(dossier_id, state);

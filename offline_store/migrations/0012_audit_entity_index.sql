-- verify's "every dossier has an audit row" check (and history look-ups by entity) read the
-- audit log by (entity, entity_id): without this index the check was quadratic — minutes at
-- 100,000 dossiers (bench/bench_backup.py's restore, which verifies in full).
CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log(entity, entity_id);

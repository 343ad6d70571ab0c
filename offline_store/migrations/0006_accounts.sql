-- Schema version 6: the people who log in at this desk (issue 12).
-- A local account is made by the desk's administrator; a province account arrives with the sync
-- feed (GET /api/v1/accounts) so the 2025 re-provisioning reaches every desk and the desk still
-- works offline. password_hash is an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash);
-- the password itself is never stored. A province row never replaces a local account of the same
-- login (repo.upsert_province_account). Rows are never deleted: an account is disabled
-- (active = 0) so the audit log's actor column keeps naming someone who existed.
CREATE TABLE accounts (
    login           TEXT PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 64),
    full_name       TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'processor', 'officer', 'supervisor', 'admin')),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    source          TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'province')),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX accounts_role ON accounts(role, active);

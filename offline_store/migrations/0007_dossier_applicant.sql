-- Issue 17: a dossier keeps the applicant exactly as given at intake.
-- dossiers already held name, ID number, phone, address and on-behalf-of; this adds the rest of
-- the person (kind, birth date, sex, email, old ID number). The registry (applicants) only
-- remembers returning applicants; no screen or print of a dossier reads it any more.
ALTER TABLE dossiers ADD COLUMN applicant_kind INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dossiers ADD COLUMN applicant_birth_date TEXT;
ALTER TABLE dossiers ADD COLUMN applicant_sex TEXT;
ALTER TABLE dossiers ADD COLUMN applicant_email TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN applicant_old_id_number TEXT NOT NULL DEFAULT '';

-- Carry existing stores over: the registry row is the best record of the rest of the person,
-- but only where it still names the same person the dossier names (a later intake may already
-- have overwritten it with someone else; then those fields stay empty rather than wrong).
UPDATE dossiers SET
    applicant_kind = (SELECT a.kind FROM applicants a WHERE a.id = dossiers.applicant_id),
    applicant_birth_date = (SELECT a.birth_date FROM applicants a WHERE a.id = dossiers.applicant_id),
    applicant_sex = (SELECT a.sex FROM applicants a WHERE a.id = dossiers.applicant_id),
    applicant_email = (SELECT a.email FROM applicants a WHERE a.id = dossiers.applicant_id),
    applicant_old_id_number = (SELECT a.old_id_number FROM applicants a WHERE a.id = dossiers.applicant_id)
WHERE applicant_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM applicants a WHERE a.id = dossiers.applicant_id
      AND a.full_name = dossiers.applicant_name);
-- Where the registry row names someone else, at least the kind is the ID number's kind.
UPDATE dossiers SET applicant_kind = coalesce((SELECT a.kind FROM applicants a
    WHERE a.id = dossiers.applicant_id), 1)
WHERE applicant_id IS NOT NULL;

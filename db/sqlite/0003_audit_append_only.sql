-- Audit events are the record of who accessed a child's data (Patientdatalagen 4 kap., HSLF-FS 2016:40):
-- the application may add them, never change or remove them.

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

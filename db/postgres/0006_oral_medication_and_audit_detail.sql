-- The measure oral-medication (e.g. adhd medicine given at school), and a detail on audit events: the care
-- relationship a clinician states to read another care unit's certificates (Patientdatalagen 4 kap.).
-- certificate_measures_code_check is the name PostgreSQL gave the column's CHECK in 0001.

ALTER TABLE certificate_measures
    DROP CONSTRAINT certificate_measures_code_check,
    ADD CONSTRAINT certificate_measures_code_check CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler',
        'seizure-medication', 'oral-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen', 'other'));

ALTER TABLE audit_events ADD COLUMN detail text NULL;

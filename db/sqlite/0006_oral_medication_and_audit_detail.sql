-- The measure oral-medication (e.g. adhd medicine given at school), and a detail on audit events: the care
-- relationship a clinician states to read another care unit's certificates (Patientdatalagen 4 kap.).
--
-- SQLite cannot alter a CHECK constraint, so certificate_measures is rebuilt as SQLite documents
-- (https://www.sqlite.org/lang_altertable.html#otheralter): a new table, the rows copied, the old one dropped, the new
-- one renamed. No table refers to certificate_measures and it has no index or trigger besides its primary key, so the
-- foreign keys can stay on: dropping it deletes no row that another table points at.

CREATE TABLE certificate_measures_new (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    position       INTEGER NOT NULL CHECK (position >= 0),
    code           TEXT NOT NULL CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler',
                       'seizure-medication', 'oral-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen',
                       'other')),
    description    TEXT NULL,
    performer      TEXT NOT NULL CHECK (performer IN ('child', 'staff', 'child-with-staff')),
    instructions   TEXT NOT NULL,
    if_harm        TEXT NOT NULL,
    if_changed     TEXT NOT NULL,
    PRIMARY KEY (certificate_id, position),
    CHECK (code <> 'other' OR description IS NOT NULL)
);

INSERT INTO certificate_measures_new (certificate_id, position, code, description, performer, instructions, if_harm, if_changed)
SELECT certificate_id, position, code, description, performer, instructions, if_harm, if_changed
FROM certificate_measures;

DROP TABLE certificate_measures;

ALTER TABLE certificate_measures_new RENAME TO certificate_measures;

ALTER TABLE audit_events ADD COLUMN detail TEXT NULL;

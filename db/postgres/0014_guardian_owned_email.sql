-- The guardian owns their address (issue 11): where the current address came from (the guardian on their page, or a
-- clinician on a certificate) and when it was set; a clinician's differing entry for an address the guardian set is kept
-- as a suggestion (which care unit, when) instead of replacing it; and a change of address is told to the old address
-- through the outbox (kind email-changed).
--
-- Existing addresses were all entered by clinicians.
ALTER TABLE guardians
    ADD COLUMN email_source text NULL CHECK (email_source IN ('guardian', 'clinician')),
    ADD COLUMN email_set_at timestamptz NULL,
    ADD COLUMN suggested_email text NULL CHECK (length(suggested_email) BETWEEN 3 AND 254),
    ADD COLUMN suggested_at timestamptz NULL,
    ADD COLUMN suggested_by_care_unit text NULL,
    ADD COLUMN suggested_by_care_unit_name text NULL;

UPDATE guardians SET email_source = 'clinician', email_set_at = updated_at WHERE email IS NOT NULL;

ALTER TABLE guardians
    ADD CONSTRAINT guardians_email_has_source_check CHECK ((email IS NULL) = (email_source IS NULL)
        AND (email_source IS NULL) = (email_set_at IS NULL)),
    ADD CONSTRAINT guardians_suggestion_check CHECK ((suggested_email IS NULL) = (suggested_at IS NULL)
        AND (suggested_email IS NULL) = (suggested_by_care_unit IS NULL)
        AND (suggested_email IS NULL) = (suggested_by_care_unit_name IS NULL));

-- The outbox gains a fourth kind: the notice to a guardian's old address, which the row keeps in recipient_email (the
-- guardian's row has the new one), with who changed it and the new address masked.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications DROP CONSTRAINT notifications_not_share_withdrawn_check;

ALTER TABLE notifications
    ADD COLUMN changed_by text NULL CHECK (changed_by IN ('guardian', 'care')),
    ADD COLUMN new_email_masked text NULL CHECK (length(new_email_masked) BETWEEN 3 AND 254),
    ADD CONSTRAINT notifications_kind_check
        CHECK (kind IN ('reminder', 'certificate-request', 'share-withdrawn', 'email-changed')),
    ADD CONSTRAINT notifications_email_changed_check CHECK (kind <> 'email-changed' OR (guardian_id IS NOT NULL
        AND recipient_email IS NOT NULL AND changed_by IS NOT NULL AND certificate_id IS NULL AND threshold_days IS NULL
        AND request_id IS NULL AND recipient_position IS NULL AND share_consent_id IS NULL)),
    ADD CONSTRAINT notifications_share_consent_kind_check CHECK (kind = 'share-withdrawn' OR share_consent_id IS NULL),
    ADD CONSTRAINT notifications_recipient_email_kind_check
        CHECK (kind IN ('share-withdrawn', 'email-changed') OR recipient_email IS NULL),
    ADD CONSTRAINT notifications_not_email_changed_check
        CHECK (kind = 'email-changed' OR (changed_by IS NULL AND new_email_masked IS NULL));

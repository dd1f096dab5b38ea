-- When a guardian withdraws a unit's access to a certificate, the unit is told by e-mail if the unit directory has a
-- contact address for it. The outbox gains a third kind: a row points at the withdrawal's consent event (one e-mail per
-- event, so nothing is queued twice) and keeps the address as it was at the withdrawal.

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;

ALTER TABLE notifications
    ADD COLUMN share_consent_id bigint NULL REFERENCES share_consents (id),
    ADD COLUMN recipient_email text NULL CHECK (length(recipient_email) BETWEEN 3 AND 254),
    ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('reminder', 'certificate-request', 'share-withdrawn')),
    ADD CONSTRAINT notifications_share_consent_key UNIQUE (share_consent_id),
    ADD CONSTRAINT notifications_share_withdrawn_check CHECK (kind <> 'share-withdrawn' OR (share_consent_id IS NOT NULL
        AND recipient_email IS NOT NULL AND certificate_id IS NULL AND guardian_id IS NULL AND threshold_days IS NULL
        AND request_id IS NULL AND recipient_position IS NULL)),
    ADD CONSTRAINT notifications_not_share_withdrawn_check CHECK (kind = 'share-withdrawn'
        OR (share_consent_id IS NULL AND recipient_email IS NULL));

-- Signed certificates: the EGV1 text (COSE_Sign1, ES256) a printed certificate's QR code carries, signed once when the
-- certificate is issued or renewed (or, for one issued before this table, when it is first asked for), so every print
-- carries the same text and a rotated key does not change papers already handed out. The key id says which key signed.

CREATE TABLE signed_certificates (
    certificate_id uuid PRIMARY KEY REFERENCES certificates (id),
    key_id         text NOT NULL,
    payload        text NOT NULL CHECK (payload LIKE 'EGV1:%'),
    signed_at      timestamptz NOT NULL
);

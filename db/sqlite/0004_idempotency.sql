-- Idempotency-Key: the first response to an unsafe request, per caller (role:sub) and key, kept for 24 hours.
-- The request is kept only as its SHA-256 hash (hex); the body stored is the response's. Instants are UTC ISO-8601 text ending in Z.

CREATE TABLE idempotency_keys (
    caller           TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash     TEXT NOT NULL CHECK (length(request_hash) = 64),
    state            TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
    response_status  INTEGER NULL,
    response_headers TEXT NULL,
    response_body    BLOB NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    PRIMARY KEY (caller, idempotency_key),
    CHECK ((state = 'done') = (response_status IS NOT NULL))
);
CREATE INDEX ix_idempotency_keys_expires_at ON idempotency_keys (expires_at);

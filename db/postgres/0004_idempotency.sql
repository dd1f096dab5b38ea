-- Idempotency-Key: the first response to an unsafe request, per caller (role:sub) and key, kept for 24 hours.
-- The request is kept only as its SHA-256 hash (hex); the body stored is the response's.

CREATE TABLE idempotency_keys (
    caller           text NOT NULL,
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash     text NOT NULL CHECK (length(request_hash) = 64),
    state            text NOT NULL CHECK (state IN ('in-flight', 'done')),
    response_status  integer NULL,
    response_headers text NULL,
    response_body    bytea NULL,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (caller, idempotency_key),
    CHECK ((state = 'done') = (response_status IS NOT NULL))
);
CREATE INDEX ix_idempotency_keys_expires_at ON idempotency_keys (expires_at);

-- The revocation list holds the revoked and replaced certificates that end today or later, and every request for it
-- first counts them to see whether the list built last still holds (Signing/RevocationLists.cs). Without this index
-- both read the whole table; with it they read only the entries of those few percent of the certificates, and
-- neither the count nor the list touches the table.

CREATE INDEX ix_certificates_revoked_until ON certificates (valid_until, id, status) WHERE status IN ('revoked', 'replaced');

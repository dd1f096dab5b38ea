-- The ASP.NET Core Data Protection key ring: the keys that protect the sign-in cookie and the anti-forgery tokens of the
-- pages. Kept here so that every node on this database reads the same keys (a form from one node posts to another, a
-- sign-in cookie opens pages on all of them) and a restart signs no one out. One row per XML element the key manager
-- stores (a key or a revocation), named by its friendly name; rows are added, never changed. A key's secret is
-- encrypted inside its XML when DataProtection:CertificatePath is set, and plain otherwise.

CREATE TABLE data_protection_keys (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text NOT NULL UNIQUE,
    xml           text NOT NULL
);

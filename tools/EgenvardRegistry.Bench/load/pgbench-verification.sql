-- pgbench: the database work of one verification, as the peer of the service's POST /api/verifications: find the
-- child by personnummer, read the certificates shared with the school unit with their measures, insert the audit
-- row, commit. scripts/bench loads bench_children (k, personnummer) from the generator's list of the bench unit's
-- children and runs: pgbench -M prepared -n -f this -D children=N -D unit=UNIT -c C -j 2 -T S
-- (pgbench sends :unit and :child_id to the server as parameters, so they need no quoting).
\set k random(1, :children)
BEGIN;
SELECT ch.id AS child_id FROM bench_children b JOIN children ch ON ch.personnummer = b.personnummer WHERE b.k = :k \gset
SELECT c.id, c.status, c.valid_from, c.valid_until, c.follow_up_on, c.instruction_given_by, c.care_unit_name,
       c.care_unit_phone, c.replaces, c.replaced_by, m.position, m.code, m.description, m.performer, m.instructions,
       m.if_harm, m.if_changed
FROM certificates c
JOIN certificate_shares s ON s.certificate_id = c.id AND s.school_unit = :unit
JOIN certificate_measures m ON m.certificate_id = c.id
WHERE c.child_id = :child_id;
INSERT INTO audit_events (occurred_at, actor_role, actor_id, actor_unit, action, certificate_id, child_id, outcome)
VALUES (now(), 'school', 'school-bench', :unit, 'verification', NULL, :child_id, 'valid');
COMMIT;

-- Completed audit rows (hash set) are append-only, as on SQLite: an UPDATE of one is refused by the
-- database itself, whoever runs it. Retention deletes whole rows from the chain's start (allowed).
-- Raised with SQLSTATE P0001 (raise_exception): Prisma would report restrict_violation as a foreign key error.
CREATE FUNCTION "AuditEvent_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only';
END;
$$;

CREATE TRIGGER "AuditEvent_completed_rows_are_immutable" BEFORE UPDATE ON "AuditEvent"
    FOR EACH ROW WHEN (OLD."hash" IS NOT NULL) EXECUTE FUNCTION "AuditEvent_refuse_update"();

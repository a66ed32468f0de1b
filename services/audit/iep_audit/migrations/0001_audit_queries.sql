-- Every question put to the audit service: who asked, when, and what. Append-only like the
-- log it is about. Not a projection: a rebuild of the audit store never touches it.

CREATE TABLE audit_queries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asked_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    subject        text NOT NULL,
    role           text NOT NULL,
    action         text NOT NULL,
    path           text NOT NULL,
    parameters     jsonb NOT NULL,
    correlation_id text
);
CREATE INDEX audit_queries_in_order ON audit_queries (asked_at, id);
CREATE INDEX audit_queries_by_subject ON audit_queries (subject, asked_at, id);

CREATE TRIGGER audit_queries_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_queries
    FOR EACH ROW EXECUTE FUNCTION iep_refuse_change();
CREATE TRIGGER audit_queries_refuse_truncate BEFORE TRUNCATE ON audit_queries
    FOR EACH STATEMENT EXECUTE FUNCTION iep_refuse_change();

-- The event store of one service, created inside that service's own schema.
-- The events table is the outbox: the relay publishes it to Kafka in global-position order.

CREATE SEQUENCE events_position_seq;

CREATE TABLE events (
    global_position bigint PRIMARY KEY,
    transaction_id  xid8 NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL CHECK (stream_version >= 1),
    student_id      text NOT NULL,
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    metadata        jsonb NOT NULL,
    payload         jsonb NOT NULL,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_by_student ON events (student_id, global_position);
CREATE INDEX events_by_recorded_at ON events (recorded_at);

-- Global positions are handed out in the same order as transaction ids, inside a short
-- critical section. A tailing reader then reads only rows whose transaction is older than
-- every transaction still running (pg_snapshot_xmin): no row can later commit below a
-- position it has already read, so no reader skips an event and none waits on a timeout.
-- The invariant needs this to be the transaction's first write (else its id is older).
CREATE FUNCTION iep_allocate_positions(n integer,
    OUT first_position bigint, OUT transaction_id xid8, OUT recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    lock_key bigint := hashtext(current_schema() || '.events');
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'appending events must be the first write of its transaction'
            USING HINT = 'append before writing tracking, idempotency or timer rows';
    END IF;
    PERFORM pg_advisory_lock(lock_key);
    transaction_id := pg_current_xact_id();
    first_position := nextval('events_position_seq');
    IF n > 1 THEN
        PERFORM setval('events_position_seq', first_position + n - 1);
    END IF;
    recorded_at := clock_timestamp();
    PERFORM pg_advisory_unlock(lock_key);
END $$;

-- The log is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION iep_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on %.% is refused',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION iep_refuse_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION iep_refuse_change();

-- Wake the relay as soon as events commit; it also polls in case a notice is lost.
CREATE FUNCTION iep_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('iep_events_' || current_schema(), '');
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION iep_notify_events();

-- How far the relay got, and the highest offset the broker acknowledged per partition:
-- a broker that comes back without its data is seen by its offsets going backwards.
CREATE TABLE relay_checkpoints (
    relay             text PRIMARY KEY,
    position          bigint NOT NULL,
    partition_offsets jsonb NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Idempotent consumers: the applied event id is written in the same transaction as the effect.
CREATE TABLE applied_events (
    consumer   text NOT NULL,
    event_id   uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    consumer    text NOT NULL,
    topic       text NOT NULL,
    event_id    uuid,
    event_type  text,
    reason      text NOT NULL,
    message     bytea NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz
);

-- A retried POST with the same Idempotency-Key gets the first response back.
CREATE TABLE idempotency_keys (
    key          text NOT NULL,
    route        text NOT NULL,
    request_hash text NOT NULL,
    status_code  integer NOT NULL,
    body         jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, route)
);

-- Deadline timers: fired once, by the worker, in the same transaction as the event they raise.
CREATE TABLE timers (
    timer_id   text PRIMARY KEY,
    stream_id  text NOT NULL,
    student_id text NOT NULL,
    kind       text NOT NULL,
    due_at     timestamptz NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}',
    fired_at   timestamptz,
    cancelled_at timestamptz
);
CREATE INDEX timers_pending ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;

-- The student record's query table: who each student belongs to (the school they attend and
-- their guardians' ids), written in the transaction of the record's events. Every reach
-- check of the referral service reads it, so a referral never decides whose child it is.
-- Ids and dates only: names stay sealed in the event store.

CREATE TABLE students (
    student_id    text PRIMARY KEY,
    school_id     text NOT NULL,
    guardian_ids  text[] NOT NULL,
    registered_on date NOT NULL,
    position      bigint NOT NULL
);
CREATE INDEX students_by_school ON students (school_id);
CREATE INDEX students_by_guardian ON students USING gin (guardian_ids);

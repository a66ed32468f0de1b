-- The planning service's query tables. Each is written in the same transaction as the
-- events or the consumed event it reflects, so it never disagrees with the log.

-- What planning needs from the referral service's ReferralMade, per student: the school,
-- the date of birth (personal: cleared when the student's records are destroyed) and the
-- guardians with the language of their notices ([{"guardian_id", "language"}]).
CREATE TABLE students (
    student_id    text PRIMARY KEY,
    school_id     text NOT NULL,
    date_of_birth date,
    guardians     jsonb NOT NULL DEFAULT '[]'
);

-- An eligible determination that arrived before the student's referral: it opens the
-- case as soon as the referral is applied (the two come on different topics).
CREATE TABLE awaiting_referral (
    student_id    text PRIMARY KEY,
    determination jsonb NOT NULL,
    causation_id  text NOT NULL,
    correlation_id text NOT NULL
);

-- One row per planning case, for scoping and lists; the full record is its event stream.
CREATE TABLE cases (
    case_id                 text PRIMARY KEY,
    student_id              text NOT NULL UNIQUE,
    school_id               text NOT NULL,
    guardian_ids            text[] NOT NULL,
    status                  text NOT NULL,
    meeting_due_on          date NOT NULL,
    initial_meeting_held_on date,
    plan_version            integer,
    review_due_on           date,
    reevaluation_due_on     date NOT NULL,
    pending_due_process     boolean NOT NULL DEFAULT false,
    open_disputes           integer NOT NULL DEFAULT 0,
    position                bigint NOT NULL
);
CREATE INDEX cases_by_school ON cases (school_id, meeting_due_on);
CREATE INDEX cases_by_review ON cases (review_due_on);

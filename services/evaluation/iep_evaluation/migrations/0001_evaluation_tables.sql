-- The evaluation service's query tables. Each is written in the same transaction as the
-- events or the consumed event it reflects, so it never disagrees with the log.

-- What the evaluation needs from each referral (the referral service's ReferralMade):
-- the school, the date of birth (personal: cleared when the student's records are
-- destroyed) and the ids of the guardians who may read the evaluation.
CREATE TABLE referrals (
    referral_id   text PRIMARY KEY,
    student_id    text NOT NULL,
    school_id     text NOT NULL,
    date_of_birth date,
    guardian_ids  text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX referrals_by_student ON referrals (student_id);

-- One row per evaluation, for scope checks and lists: ids, status, dates and counts, no
-- personal data. The full record is the evaluation's event stream.
CREATE TABLE evaluations (
    evaluation_id       text PRIMARY KEY,
    referral_id         text NOT NULL UNIQUE,
    student_id          text NOT NULL,
    school_id           text NOT NULL,
    guardian_ids        text[] NOT NULL,
    status              text NOT NULL CHECK (status IN ('open', 'eligible', 'not_eligible')),
    consent_signed_on   date NOT NULL,
    consent_received_on date NOT NULL,
    due_on              date NOT NULL,
    day_count           text NOT NULL,
    assessments         integer NOT NULL,
    evaluators          integer NOT NULL,
    determined_on       date,
    section_504_referral boolean NOT NULL,
    deadline_warned     boolean NOT NULL,
    overdue_raised      boolean NOT NULL,
    position            bigint NOT NULL  -- global position of the last event reflected
);
CREATE INDEX evaluations_by_student ON evaluations (student_id);
CREATE INDEX evaluations_by_school ON evaluations (school_id, due_on);
CREATE INDEX evaluations_open_by_due ON evaluations (due_on) WHERE status = 'open';

-- The referral service's query table: one row per referral, written in the same transaction
-- as the events that change it, so a list never disagrees with the log. It holds ids,
-- statuses and dates only: names and other personal data stay sealed in the event store.

CREATE TABLE referrals (
    referral_id          text PRIMARY KEY,
    student_id           text NOT NULL,
    school_id            text NOT NULL,
    status               text NOT NULL,
    referred_on          date NOT NULL,
    guardian_ids         text[] NOT NULL,
    consent_requested_on date,
    consent_decision     text,
    consent_guardian_id  text,
    consent_signed_on    date,
    consent_method       text,
    consent_received_on  date,
    closed_on            date,
    close_reason         text,
    position             bigint NOT NULL
);
CREATE INDEX referrals_by_student ON referrals (student_id);
CREATE INDEX referrals_by_school ON referrals (school_id, status);
CREATE INDEX referrals_by_guardian ON referrals USING gin (guardian_ids);

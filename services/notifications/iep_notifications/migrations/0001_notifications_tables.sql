-- The notifications service's query tables. Each is written in the same transaction as the
-- events or the consumed event it reflects, so it never disagrees with the log.

-- Students as the referral service described them: the school, the student's name for the
-- letters (personal: cleared on records destruction), and the case manager (the staff
-- member who made the referral, until one is assigned).
CREATE TABLE students (
    student_id      text PRIMARY KEY,
    school_id       text NOT NULL,
    student_name    text,
    referred_by     text,
    case_manager    text
);

-- Guardians of each student with their address and language (personal: cleared on
-- destruction) and the channel they chose (300.505); NULL channel means email if any.
CREATE TABLE guardians (
    student_id   text NOT NULL,
    guardian_id  text NOT NULL,
    name         text,
    email        text,
    language     text NOT NULL DEFAULT 'en',
    channel      text,
    PRIMARY KEY (student_id, guardian_id)
);
CREATE INDEX guardians_by_guardian ON guardians (guardian_id);

-- The district's staff who receive reminders: case managers and school administrators.
-- Configuration managed by administrators, not a student's record (no events).
CREATE TABLE staff (
    staff_id     text PRIMARY KEY,
    name         text NOT NULL,
    email        text,
    role         text NOT NULL,
    schools      text[] NOT NULL DEFAULT '{}',
    language     text NOT NULL DEFAULT 'en',
    channel      text NOT NULL DEFAULT 'email',
    updated_by   text NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Every notice, for the lists: what went to whom, when, in which language, and how far
-- its delivery got. status: queued, sent, retrying, failed, uncertain, to_mail, mailed.
CREATE TABLE notices (
    notice_id          text PRIMARY KEY,
    student_id         text NOT NULL,
    school_id          text NOT NULL,
    kind               text NOT NULL,
    legal_basis        text NOT NULL,
    recipient_id       text NOT NULL,
    recipient_role     text NOT NULL,
    channel            text NOT NULL,
    requested_language text NOT NULL,
    language           text NOT NULL,
    fallback           boolean NOT NULL,
    subject            text NOT NULL,
    message_id         text NOT NULL,
    source_event_type  text NOT NULL,
    queued_at          timestamptz NOT NULL,
    status             text NOT NULL,
    attempts           integer NOT NULL DEFAULT 0,
    sent_at            timestamptz,
    mailed_on          date,
    failed_at          timestamptz,
    stream_version     integer NOT NULL
);
CREATE INDEX notices_by_student ON notices (student_id, queued_at);
CREATE INDEX notices_by_recipient ON notices (recipient_id, queued_at);
CREATE INDEX notices_to_mail ON notices (school_id) WHERE status = 'to_mail';

-- Attachments (a progress report's PDF): kept until sent; personal, purged on destruction.
CREATE TABLE attachments (
    notice_id    text NOT NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    PRIMARY KEY (notice_id, filename)
);

-- The sender's claim on an attempt, committed before the SMTP exchange begins: a second
-- sender (or the same one after a restart) that finds a claim without an outcome knows the
-- message may have left, and does not send it again.
CREATE TABLE delivery_claims (
    notice_id   text NOT NULL,
    attempt     integer NOT NULL,
    claimed_at  timestamptz NOT NULL,
    PRIMARY KEY (notice_id, attempt)
);

-- Events that name a guardian or student the referral has not told us of yet (the topics
-- arrive independently): applied when the referral arrives. Personal: purged on destruction.
CREATE TABLE awaiting_referral (
    event_id     text PRIMARY KEY,
    student_id   text NOT NULL,
    event        jsonb NOT NULL
);
CREATE INDEX awaiting_by_student ON awaiting_referral (student_id);

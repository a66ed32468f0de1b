-- The services-delivery query tables. Each is written in the same transaction as the events
-- or the consumed event it reflects, so it never disagrees with the log.

-- What the worker keeps of planning's PlanningOpened, per student: the case, the school and
-- the guardians with their languages ([{"guardian_id", "language"}]). Nothing personal.
CREATE TABLE students (
    student_id   text PRIMARY KEY,
    case_id      text NOT NULL,
    school_id    text NOT NULL,
    guardians    jsonb NOT NULL DEFAULT '[]'
);

-- Progress reports by id (the PDF route finds its student here).
CREATE TABLE reports (
    report_id    text PRIMARY KEY,
    student_id   text NOT NULL,
    due_on       date NOT NULL,
    issued_on    date,
    overdue      boolean NOT NULL DEFAULT false
);
CREATE INDEX reports_by_student ON reports (student_id, due_on);

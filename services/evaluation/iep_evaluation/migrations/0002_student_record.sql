-- The student record (the referral service's StudentRegistered, GuardianAdded,
-- GuardianRemoved, StudentSchoolChanged): the one source here of a student's current school
-- and guardians, so every read scope follows the district's record and not the copies an
-- evaluation or a referral carried when it was made. A ReferralMade may only name them for a
-- student the record never mentioned (older data), and never changes them afterwards.
CREATE TABLE students (
    student_id   text PRIMARY KEY,
    school_id    text NOT NULL,
    guardian_ids text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX students_by_school ON students (school_id);

-- Students known before the record existed: as their first evaluation was opened, else as a
-- referral named them (referrals keep no order, so any one of them).
INSERT INTO students (student_id, school_id, guardian_ids)
SELECT DISTINCT ON (student_id) student_id, school_id, guardian_ids
FROM evaluations ORDER BY student_id, position;
INSERT INTO students (student_id, school_id, guardian_ids)
SELECT DISTINCT ON (student_id) student_id, school_id, guardian_ids
FROM referrals ORDER BY student_id, referral_id
ON CONFLICT (student_id) DO NOTHING;

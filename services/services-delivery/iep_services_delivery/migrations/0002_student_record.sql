-- The student record (the referral service's StudentRegistered, GuardianAdded,
-- GuardianRemoved, StudentSchoolChanged) is the one source of a student's school and
-- guardians: `students` follows it, and may learn of a student from the record before
-- planning opens their case (case_id is then unknown, and the services read as not found).
-- PlanningOpened names the school and guardians only of a student the record never
-- mentioned (data older than the record), and never changes them.
ALTER TABLE students ALTER COLUMN case_id DROP NOT NULL;

-- The student record (the referral service's StudentRegistered, GuardianAdded,
-- GuardianRemoved, StudentSchoolChanged) is the one source of a student's school and
-- guardians: `students` follows it, and every read scope joins it (staff by its school,
-- parents by its guardians) instead of the copies a case was opened with. A ReferralMade
-- names them only for a student the record never mentioned, and never changes them.
CREATE INDEX students_by_school ON students (school_id);

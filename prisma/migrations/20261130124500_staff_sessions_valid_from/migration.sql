-- Sign-out ends a staff member's console sessions: those signed in before this instant are refused.
ALTER TABLE "StaffUser" ADD COLUMN "sessionsValidFrom" TIMESTAMP(3);

-- A job has one owner at a time: the process that claimed it holds a lease it keeps renewing.
-- A lease that runs out means its owner stopped; another process may then take the job over.
ALTER TABLE "jobs" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "jobs" ADD COLUMN "lease_expires_at" TIMESTAMP(3);

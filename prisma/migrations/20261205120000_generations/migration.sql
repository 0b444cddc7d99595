-- Music generation through the API (issue 20): jobs can be cancelled, say what they are doing and
-- belong to the API key that queued them; a GENERATED asset records how it was made.

-- A job cancelled by its key before it finished. (PostgreSQL ≥ 12 adds an enum value inside a
-- transaction; the value is not used before this migration commits.)
ALTER TYPE "JobStatus" ADD VALUE 'CANCELLED';

-- CreateEnum
CREATE TYPE "GenerationRole" AS ENUM ('IMAGE', 'PROMPT', 'GUIDE');

-- AlterTable: what the job is doing in words, who queued it, and a cancellation its runner has to act on
ALTER TABLE "jobs" ADD COLUMN "message" TEXT;
ALTER TABLE "jobs" ADD COLUMN "api_key_id" UUID;
ALTER TABLE "jobs" ADD COLUMN "cancel_requested_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "generations" (
    "asset_id" UUID NOT NULL,
    "engine" TEXT NOT NULL,
    "bundle" TEXT NOT NULL,
    "encoder" TEXT NOT NULL,
    "seed" BIGINT NOT NULL,
    "parameters" JSONB NOT NULL,
    "midi_sha256" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generations_pkey" PRIMARY KEY ("asset_id")
);

-- CreateTable
CREATE TABLE "generation_sources" (
    "generation_id" UUID NOT NULL,
    "role" "GenerationRole" NOT NULL,
    "asset_id" UUID,

    CONSTRAINT "generation_sources_pkey" PRIMARY KEY ("generation_id","role")
);

-- CreateIndex
CREATE INDEX "jobs_api_key_id_status_idx" ON "jobs"("api_key_id", "status");

-- CreateIndex
CREATE INDEX "generations_midi_sha256_idx" ON "generations"("midi_sha256");

-- CreateIndex
CREATE INDEX "generation_sources_asset_id_idx" ON "generation_sources"("asset_id");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generations" ADD CONSTRAINT "generations_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_sources" ADD CONSTRAINT "generation_sources_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "generations"("asset_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_sources" ADD CONSTRAINT "generation_sources_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

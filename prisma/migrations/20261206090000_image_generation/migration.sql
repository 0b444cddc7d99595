-- Pictures from music through the API (issue 21): a generated image names the track it was made for
-- (role AUDIO) and has no MIDI file. (PostgreSQL ≥ 12 adds an enum value inside a transaction; the
-- value is not used before this migration commits.)
ALTER TYPE "GenerationRole" ADD VALUE 'AUDIO';

-- AlterTable
ALTER TABLE "generations" ALTER COLUMN "midi_sha256" DROP NOT NULL;

-- AlterTable: a small picture of the current estimate while a picture is being made (a data URL)
ALTER TABLE "jobs" ADD COLUMN "preview" TEXT;

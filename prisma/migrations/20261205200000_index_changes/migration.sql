-- The index change feed (issue 23, item 8): every replica keeps its own in-memory vector index and
-- follows the database through this outbox. A trigger writes one row per embedding inserted or
-- deleted (cascades from an asset delete included) in that same transaction, and wakes listening
-- replicas with NOTIFY, which PostgreSQL delivers only at commit. Rows are pruned by age.
-- created_at is the insert's own clock (not the transaction's start), so that a row older than the
-- longest transaction proves every lower seq is settled (committed or rolled back).
CREATE TYPE "IndexChangeOp" AS ENUM ('ADD', 'REMOVE');

CREATE TABLE "index_changes" (
    "seq" BIGSERIAL NOT NULL,
    "label" INTEGER NOT NULL,
    "asset_id" UUID NOT NULL,
    "bundle" TEXT NOT NULL,
    "bundle_version" TEXT NOT NULL,
    "modality" "AssetKind" NOT NULL,
    "op" "IndexChangeOp" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "index_changes_pkey" PRIMARY KEY ("seq")
);

CREATE INDEX "index_changes_created_at_idx" ON "index_changes"("created_at");

CREATE FUNCTION "muse_record_index_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "index_changes" ("label", "asset_id", "bundle", "bundle_version", "modality", "op", "created_at")
      VALUES (NEW."id", NEW."asset_id", NEW."bundle", NEW."bundle_version", NEW."modality", 'ADD', clock_timestamp());
  ELSE
    INSERT INTO "index_changes" ("label", "asset_id", "bundle", "bundle_version", "modality", "op", "created_at")
      VALUES (OLD."id", OLD."asset_id", OLD."bundle", OLD."bundle_version", OLD."modality", 'REMOVE', clock_timestamp());
  END IF;
  PERFORM pg_notify('muse_index_changes', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "embeddings_index_changes"
  AFTER INSERT OR DELETE ON "embeddings"
  FOR EACH ROW EXECUTE FUNCTION "muse_record_index_change"();

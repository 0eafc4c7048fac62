CREATE OR REPLACE VIEW "gold_ledger"."book_months_v1" AS
SELECT
  "book",
  "region",
  "running_total",
  "running_flagged",
  "entries",
  "avg_amount",
  "weighted",
  "per_entry",
  "quantity",
  "first_amount",
  "last_quantity",
  "flagged_ids",
  "biggest",
  "smallest",
  "net",
  "signed",
  "selected",
  "high_share",
  "_run_id",
  "_published_at",
  "run_id",
  "period"
FROM "gold_ledger"."book_months_v1_all_runs"
WHERE "run_id" IN ('20240101T000000Z_BACKFILL', '20240102T030405Z');

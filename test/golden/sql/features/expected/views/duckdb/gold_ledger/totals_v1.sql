CREATE OR REPLACE VIEW "gold_ledger"."totals_v1" AS
SELECT
  "entries",
  "quantity",
  "balance",
  "latest",
  "_run_id",
  "_published_at",
  "run_id",
  "as_of_month"
FROM "gold_ledger"."totals_v1_all_runs"
WHERE "run_id" IN ('none');

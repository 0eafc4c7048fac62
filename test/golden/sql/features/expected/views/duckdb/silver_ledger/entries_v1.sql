CREATE OR REPLACE VIEW "silver_ledger"."entries_v1" AS
SELECT
  "entry_id",
  "book",
  "region",
  "amount",
  "quantity",
  "rate",
  "flag",
  "booked_on",
  "_run_id",
  "_ingest_date",
  "_source_file",
  "_source_record",
  "_row_hash",
  "year",
  "month",
  "run_id"
FROM "silver_ledger"."entries_v1_all_runs"
WHERE "run_id" IN ('none');

CREATE OR REPLACE VIEW "quarantine_ledger"."entries_v1" AS
SELECT
  "entry_id",
  "book",
  "region",
  "amount",
  "quantity",
  "rate",
  "flag",
  "booked_on",
  "_raw_record",
  "validation_error",
  "attempt_count",
  "_run_id",
  "_ingest_date",
  "_source_file",
  "_source_record",
  "_row_hash",
  "ingest_date",
  "run_id"
FROM "quarantine_ledger"."entries_v1_all_runs"
WHERE "run_id" IN ('none');

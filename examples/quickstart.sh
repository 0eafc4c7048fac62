#!/usr/bin/env bash
# The main job on the bundled example, as README's quick start runs it (`npm run example`):
# contracts → checked model → generated artifacts (build/) → a local run of the bundled delivery
# (bronze → silver / quarantine / condemned) → the three Gold datasets, reconciled and published →
# a month-end report read back with `lakec query`. The lake is the folder example-lake/, made afresh.
# (LAKEC_EXAMPLE_LAKE, LAKEC_EXAMPLE_BUILD and LAKEC_CLI move the lake, the artifacts and the CLI script: the test does.)
set -euo pipefail
cd "$(dirname "$0")/.."
lakec() { node "${LAKEC_CLI:-bin/lakec.js}" "$@"; }
LAKE="${LAKEC_EXAMPLE_LAKE:-example-lake}"
BUILD="${LAKEC_EXAMPLE_BUILD:-build}"
DELIVERY=examples/deliveries/mortgages/transactions/2024-07-02.csv

echo "== lakec check"
lakec check
echo "== lakec build"
lakec build --out "$BUILD"
rm -rf "$LAKE"
echo
echo "== lakec run mortgages.transactions $DELIVERY"
lakec run mortgages.transactions "$DELIVERY" --lake "$LAKE"
echo
echo "== quarantined rows, by rule"
lakec query "select validation_error, count(*) as rows from quarantine_mortgages.transactions_v1 group by validation_error order by validation_error" --lake "$LAKE"
for gold in finance.account_balances finance.monthly_reports finance.transaction_summaries; do
  echo
  echo "== lakec gold $gold"
  lakec gold "$gold" --lake "$LAKE"
done
echo
echo "== Month-end report, June 2024 (gold_finance.monthly_reports_v1)"
lakec query "select as_of_month, currency, inflow, outflow, net, transactions, active_accounts from gold_finance.monthly_reports_v1 where as_of_month = '2024-06' order by currency" --lake "$LAKE" --format table
echo
echo "== Month-end balances, June 2024: the ten lowest (gold_finance.account_balances_v1)"
lakec query "select account_id, currency, balance, transactions as transactions_in_june from gold_finance.account_balances_v1 where as_of_month = '2024-06' order by balance, account_id, currency limit 10" --lake "$LAKE" --format table
echo
echo "Carried forward over quiet months: npx lakec query \"select * from gold_finance.account_balances_v1 where account_id = 'ACC100370' order by as_of_month\" --lake $LAKE"

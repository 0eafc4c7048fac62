import { loadModel } from '../support/specs';

test('the bundled example contracts check clean and build a model', () => {
  const model = loadModel();
  expect(model.contracts.map((c) => `${c.kind}:${c.id.domain}.${c.id.name}@${c.id.schemaV}`)).toEqual([
    'gold:finance.account_balances@v1',
    'gold:finance.monthly_reports@v1',
    'gold:finance.transaction_summaries@v1',
    'dataset:mortgages.transactions@v1',
  ]);
  expect(Object.isFrozen(model.contracts[0])).toBe(true);
});

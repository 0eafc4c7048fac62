import { createReadStream, statSync } from 'node:fs';
import { loadDatasetModule } from '../../cli/dataset-modules';
import { requireModel } from '../../cli/load-model';
import { resolveDataset } from '../../cli/resolve-dataset';
import { CsvReader, DEFAULT_MAX_RECORD_BYTES } from '../../runtime/csv/csv-reader';
import type { RowValues } from '../../runtime/dataset-module';
import { createDigestPool } from '../../runtime/digest/digest-pool';
import { Breaker } from '../../runtime/pipeline/breaker';
import { matchHeader } from '../../runtime/pipeline/header';
import { RowRouter } from '../../runtime/pipeline/row-router';
import { dedupIndexFor } from '../../runtime/pipeline/published-index';
import { VALIDATOR_RUNTIME } from '../../runtime/validator-runtime';

/**
 * Validation alone — no Parquet, no bronze copy: args SPECS FILE MODE. `checks`: the CSV reader and the
 * generated checks; `dedup`: the whole routing decision too, its sets sized from the file as `lakec run` sizes them (SHA-256 `_row_hash` on the digest thread,
 * exact-duplicate and unique checks).
 */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [specs, file, mode] = args;
  const module = loadDatasetModule(resolveDataset(requireModel(specs!), 'mortgages.transactions'));
  const d = module.descriptor;
  const digests = createDigestPool({ worker: true });
  let rows = 0;
  let valid = 0;
  let router: RowRouter | undefined;
  let validate: ((r: never, v: RowValues, base: number) => number) | undefined;
  const values: RowValues = { num: new Float64Array(6), big: new Array(6).fill(null), start: new Int32Array(6), end: new Int32Array(6), isNull: new Uint8Array(6) };
  const started = process.hrtime.bigint();
  const reader = new CsvReader({ delimiter: d.source.delimiter, quote: d.source.quote, maxRecordBytes: DEFAULT_MAX_RECORD_BYTES }, (r) => {
    if (!validate) {
      const h: string[] = [];
      for (let k = 0; k < r.record.cellCount; k++) h.push(r.record.text.slice(r.record.starts[k], r.record.ends[k]));
      const m = matchHeader(d, h);
      validate = module.createValidator(VALIDATOR_RUNTIME, m.layout) as never;
      if (mode === 'dedup') router = new RowRouter(d, module.createValidator(VALIDATOR_RUNTIME, m.layout), m.layout, m.cellCount, dedupIndexFor(d, Math.ceil(statSync(file!).size / 64)), new Breaker(1e12, d.errorCodes, {}), undefined, undefined, undefined, digests);
      return;
    }
    rows++;
    if (router) router.route(r, r.recordNumber, 1);
    else if (r.record.cellCount === 6 && validate(r.record as never, values, 0) === 0) valid++;
  });
  for await (const chunk of createReadStream(file!, { highWaterMark: 1 << 20 })) {
    reader.push(chunk as Buffer);
    await router?.endChunk();
  }
  reader.end();
  await router?.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await digests.close();
  return { rows, seconds, valid: router ? router.counts.silver : valid, condemned: router?.counts.condemned ?? 0 };
}

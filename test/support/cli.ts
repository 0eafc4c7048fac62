import { main } from '../../cli/main';

/** `lakec …` in this process: exit code, stdout and stderr (nothing reaches the terminal). */
export async function lakec(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

export const HEADER = 'transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp';

/** The acceptance delivery: 4 good rows, 1 bad, 1 exact duplicate. */
export const SMOKE_DELIVERY = `${HEADER}
S1,ACC000001,100.00,EUR,DEPOSIT,2024-01-10T09:00:00Z
S2,ACC000001,-40.50,EUR,WITHDRAWAL,2024-01-20T09:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
S4,ACC000001,5.25,EUR,INTEREST,2024-03-31T23:59:59Z
S5,ACC000003,1.000,EUR,DEPOSIT,2024-02-01T00:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
`;

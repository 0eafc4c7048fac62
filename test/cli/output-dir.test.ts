import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputDir, writeFileMap } from '../../cli/write-file-map';

/** lakec's output directory (cli/write-file-map.ts): what a rebuild leaves, removes and refuses. */
describe('OutputDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lakec-out-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const out = () => join(dir, 'build');
  const marker = () => JSON.parse(readFileSync(join(out(), '.lakec-build.json'), 'utf8')) as { files: string[] };

  test('files are written as they are handed over; the marker lists them all, sorted', () => {
    const o = OutputDir.open(out());
    o.write(new Map([['sql/b.sql', 'b'], ['ddl/a.sql', 'a']]));
    o.write(new Map([['validators/c.ts', 'c']]));
    expect(readFileSync(join(out(), 'sql/b.sql'), 'utf8')).toBe('b');
    expect(o.close()).toEqual({ written: 3, removed: 0 });
    expect(marker().files).toEqual(['ddl/a.sql', 'sql/b.sql', 'validators/c.ts']);
  });

  test('a path written twice, or outside the folder, is a generator bug', () => {
    const o = OutputDir.open(out());
    o.write(new Map([['a.sql', 'a']]));
    expect(() => o.write(new Map([['a.sql', 'again']]))).toThrow('two generators wrote a.sql');
    expect(() => o.write(new Map([['../x.sql', 'x']]))).toThrow(/unsafe path/);
  });

  test('a rebuild leaves unchanged files untouched, rewrites changed ones, removes stale ones and the folders they leave empty', () => {
    writeFileMap(out(), new Map([['ddl/dev/bronze_x/t.sql', 'old layout'], ['keep.sql', 'same'], ['change.sql', 'v1']]));
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(out(), 'keep.sql'), old, old);
    expect(writeFileMap(out(), new Map([['ddl/dev/x/t.sql', 'new layout'], ['keep.sql', 'same'], ['change.sql', 'v2']]))).toEqual({ written: 3, removed: 1 });
    expect(statSync(join(out(), 'keep.sql')).mtime).toEqual(old);
    expect(readFileSync(join(out(), 'change.sql'), 'utf8')).toBe('v2');
    expect(existsSync(join(out(), 'ddl/dev/bronze_x'))).toBe(false);
    expect(readFileSync(join(out(), 'ddl/dev/x/t.sql'), 'utf8')).toBe('new layout');
    expect(marker().files).toEqual(['change.sql', 'ddl/dev/x/t.sql', 'keep.sql']);
  });

  test('a file of the previous build where a folder now goes, and a folder where a file now goes, are replaced', () => {
    writeFileMap(out(), new Map([['gold/a', 'was a file'], ['steps/1.sql', 'one'], ['steps/2.sql', 'two']]));
    expect(writeFileMap(out(), new Map([['gold/a/x.sql', 'now a folder'], ['steps', 'now a file']]))).toEqual({ written: 2, removed: 3 });
    expect(readFileSync(join(out(), 'gold/a/x.sql'), 'utf8')).toBe('now a folder');
    expect(readFileSync(join(out(), 'steps'), 'utf8')).toBe('now a file');
  });

  test('what lakec did not write is refused, never removed', () => {
    mkdirSync(out(), { recursive: true });
    writeFileSync(join(out(), 'notes.txt'), 'mine');
    expect(() => OutputDir.open(out())).toThrow(/not empty and was not written by lakec build/);

    rmSync(out(), { recursive: true });
    writeFileMap(out(), new Map([['steps/1.sql', 'one']]));
    writeFileSync(join(out(), 'steps', 'notes.txt'), 'mine');
    expect(() => writeFileMap(out(), new Map([['steps', 'a file now']]))).toThrow(/`steps` in the output is a folder lakec did not write/);
    expect(readFileSync(join(out(), 'steps', 'notes.txt'), 'utf8')).toBe('mine');
  });
});

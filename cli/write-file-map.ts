import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FileMap } from '../generators/file-map';
import { UserError } from './command';

/** Lists what the last build wrote, so the next one can remove files whose contract is gone. */
const MARKER = '.lakec-build.json';

/**
 * A directory lakec writes generated files into — the only place they reach the disk. The directory is
 * lakec's: a non-empty directory that lakec did not write is refused, and files of the previous build that
 * are no longer generated are removed when the output is closed. Files are written as generators hand them
 * over (a build never holds all of them), in place: generated files are cheap to rewrite and the marker is
 * written last. Unchanged files are left untouched.
 */
export class OutputDir {
  private readonly root: string;
  private readonly previous: ReadonlySet<string>;
  private readonly paths = new Set<string>();
  private readonly dirs = new Set<string>();
  private removed = 0;

  private constructor(root: string, previous: readonly string[]) {
    this.root = root;
    this.previous = new Set(previous);
  }

  static open(outDir: string): OutputDir {
    const root = resolve(outDir);
    const markerPath = join(root, MARKER);
    let previous: string[] = [];
    if (existsSync(root)) {
      if (existsSync(markerPath)) {
        previous = (JSON.parse(readFileSync(markerPath, 'utf8')) as { files: string[] }).files;
      } else if (readdirSync(root).some((entry) => !existsSync(join(root, entry, MARKER)))) {
        // (A folder whose entries are all lakec-written folders, e.g. build/ holding only `lakec docs`' build/docs/, is fine.)
        throw new UserError(`\`${outDir}\` is not empty and was not written by lakec build; choose another --out or empty it`);
      }
    }
    return new OutputDir(root, previous);
  }

  /** Writes a generator's files; a path written twice is a bug in a generator. */
  write(files: FileMap): void {
    for (const [p, contents] of files) {
      if (p.startsWith('/') || p.split('/').includes('..')) throw new Error(`generator produced an unsafe path: ${p}`);
      if (this.paths.has(p)) throw new Error(`two generators wrote ${p}`);
      this.paths.add(p);
      const target = join(this.root, p);
      this.makeDir(dirname(target));
      if (this.previous.size > 0) {
        const st = statSync(target, { throwIfNoEntry: false });
        if (st?.isDirectory()) this.clearOldDirectory(target);
        else if (st && readFileSync(target, 'utf8') === contents) continue;
      }
      writeFileSync(target, contents);
    }
  }

  /** Removes the previous build's files that were not written again, then writes the marker. */
  close(): { written: number; removed: number } {
    for (const p of this.previous) {
      const target = join(this.root, p);
      if (!this.paths.has(p) && existsSync(target) && statSync(target).isFile()) {
        rmSync(target);
        this.removed++;
        this.removeEmptyParents(dirname(target));
      }
    }
    const paths = [...this.paths].sort();
    writeFileSync(join(this.root, MARKER), `${JSON.stringify({ generatedBy: 'lakec build', files: paths }, null, 2)}\n`);
    return { written: paths.length, removed: this.removed };
  }

  private makeDir(dir: string): void {
    if (this.dirs.has(dir)) return;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      // A file of the previous build where this build has a folder (the layout changed): it goes.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
      const inTheWay = this.ancestorsInRoot(dir).find((d) => existsSync(d) && statSync(d).isFile());
      if (!inTheWay || !this.previous.has(this.relativePath(inTheWay))) throw err;
      rmSync(inTheWay);
      this.removed++;
      mkdirSync(dir, { recursive: true });
    }
    this.dirs.add(dir);
  }

  /** A folder of the previous build where this build has a file: it goes if it holds only that build's files. */
  private clearOldDirectory(target: string): void {
    const files = readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory());
    const rel = files.map((e) => this.relativePath(join(e.parentPath ?? e.path, e.name)));
    if (!rel.every((p) => this.previous.has(p))) throw new UserError(`\`${this.relativePath(target)}\` in the output is a folder lakec did not write; remove it`);
    rmSync(target, { recursive: true });
    this.removed += rel.length;
  }

  private removeEmptyParents(dir: string): void {
    for (const d of this.ancestorsInRoot(dir).reverse()) {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
      this.dirs.delete(d);
    }
  }

  /** `dir` and the folders above it, up to the output folder (not included), outermost first. */
  private ancestorsInRoot(dir: string): string[] {
    const out: string[] = [];
    for (let d = dir; d !== this.root && d.startsWith(this.root + sep); d = dirname(d)) out.unshift(d);
    return out;
  }

  private relativePath(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/');
  }
}

/** Writes a whole file map under `outDir` (see OutputDir). */
export function writeFileMap(outDir: string, files: FileMap): { written: number; removed: number } {
  const out = OutputDir.open(outDir);
  out.write(files);
  return out.close();
}

import { readGoldLatest, type GoldLatest } from '../publish/gold-latest';
import type { Storage } from '../storage/storage';
import type { GoldKeys } from './gold-keys';
import { parseGoldManifest, type GoldRunManifest } from './gold-manifest';

/** What is known of one Gold run in the lake: its manifest (runs lakec wrote) and its data files. */
export interface GoldRunRecord {
  readonly runId: string;
  /** Undefined for a run written elsewhere (the Gold refresh state machine in AWS writes none). */
  readonly manifest?: GoldRunManifest;
  readonly success: boolean;
  /** The run's Parquet files, from its manifest, else listed under its prefix. */
  readonly files: readonly string[];
}

export async function readRunRecord(storage: Storage, keys: GoldKeys, runId: string): Promise<GoldRunRecord> {
  const body = await storage.read(keys.runFile(runId, 'manifest.json'));
  const manifest = body ? parseGoldManifest(body, runId) : undefined;
  const success = (await storage.read(keys.runFile(runId, '_SUCCESS'))) !== undefined;
  const files = manifest ? manifest.files.map((f) => f.key) : (await storage.list(`${keys.runPath(runId)}/`)).filter((k) => k.endsWith('.parquet'));
  return { runId, ...(manifest ? { manifest } : {}), success, files };
}

/** The files of the run `_LATEST.json` points to (the files it lists, else its prefix listed). */
export async function latestFiles(storage: Storage, latest: GoldLatest): Promise<string[]> {
  if (latest.files) return [...latest.files];
  return (await storage.list(`${latest.partition_path}/`)).filter((k) => k.endsWith('.parquet'));
}

export async function readLatest(storage: Storage, keys: GoldKeys): Promise<GoldLatest | undefined> {
  return readGoldLatest(storage, keys.prefix);
}

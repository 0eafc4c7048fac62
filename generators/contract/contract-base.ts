import type { DatasetId } from './dataset-id';

export type Classification = 'public' | 'internal' | 'confidential' | 'restricted';
export const CLASSIFICATIONS: readonly Classification[] = ['public', 'internal', 'confidential', 'restricted'];

export interface Owners {
  /** Accountable team. */
  readonly owner: string;
  /** Approves changes. */
  readonly steward: string;
  /** GitHub users or teams (`@org/team`), written to CODEOWNERS. */
  readonly reviewers: readonly string[];
}

export interface Deprecation {
  /** ISO date. */
  readonly since: string;
  readonly replacedBy: string;
}

/** What every contract kind has. */
export interface ContractBase {
  readonly id: DatasetId;
  /** The contract file, relative to the specs directory, with `/` separators. */
  readonly file: string;
  readonly description: string;
  readonly owners: Owners;
  readonly classification: Classification;
  readonly deprecated?: Deprecation;
}

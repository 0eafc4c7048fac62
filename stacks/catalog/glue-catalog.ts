import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { GlueDataCatalogEncryptionSettings } from '@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { datasetKey } from '../../generators/contract/dataset-id';
import type { Classification } from '../../generators/contract/contract-base';
import { hiveType, storageFormat, tableProperties, type BucketNames } from '../../generators/ddl/athena-ddl';
import type { Layer, TableDef } from '../../generators/tables/table-def';
import { tfLiteral, tfLiteralMap } from '../terraform-string';

/** Glue table parameters stacks/ adds to the DDL's own properties, so policy checks can read a table's contract. */
export const TABLE_PARAM_CONTRACT = 'lakec.contract';
export const TABLE_PARAM_CLASSIFICATION = 'lakec.classification';
export const TABLE_PARAM_LAYER = 'lakec.layer';

const LAYER_DATABASE_DESCRIPTION: Readonly<Record<Exclude<Layer, 'condemned'>, string>> = {
  bronze: 'Raw deliveries as strings, exactly as received (lakec)',
  silver: 'Validated data: *_all_runs tables cover every run; reader views show published runs only (lakec)',
  quarantine: 'Quarantined and condemned rows with their reasons (lakec)',
  gold: 'Finance aggregates: *_all_runs tables cover every run; reader views show the published run (lakec)',
};

export interface GlueCatalogProps {
  readonly account: string;
  readonly tables: readonly TableDef[];
  /** Classification of each table's contract, by `datasetKey`. */
  readonly classification: (t: TableDef) => Classification;
  readonly buckets: BucketNames;
  readonly catalogKey: KmsKey;
}

/**
 * Glue databases (one per layer and domain) and one table per TableDef: the same definitions, types,
 * properties and partition projection as the Athena DDL, since both come from `lakeTables(model)` and the
 * DDL printer's functions. Terraform owns these tables; `lakec deploy-sql` owns only the reader views.
 */
export class GlueCatalog extends Construct {
  readonly databases: ReadonlyMap<string, GlueCatalogDatabase>;

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    new GlueDataCatalogEncryptionSettings(this, 'encryption', {
      catalogId: props.account,
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: props.catalogKey.arn },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: props.catalogKey.arn },
      },
    });
    const databases = new Map<string, GlueCatalogDatabase>();
    for (const t of props.tables) {
      if (databases.has(t.database)) continue;
      const layer = t.layer === 'condemned' ? 'quarantine' : t.layer;
      databases.set(
        t.database,
        new GlueCatalogDatabase(this, `database-${t.database}`, {
          catalogId: props.account,
          name: tfLiteral(t.database),
          description: tfLiteral(`${LAYER_DATABASE_DESCRIPTION[layer]}, domain ${t.contract.domain}.`),
        }),
      );
    }
    this.databases = databases;
    for (const t of props.tables) glueTable(this, `table-${t.database}-${t.name}`, t, databases.get(t.database)!, props);
  }
}

/** Glue's record of a table's storage (the `classification` parameter). */
const CLASSIFICATION: Readonly<Record<TableDef['storage']['kind'], string>> = { csv: 'csv', parquet: 'parquet', lines: 'text' };

/**
 * One TableDef as a Terraform Glue table: its columns, partition keys, SerDe and the DDL's properties, plus
 * the parameters policy checks read (contract, classification, layer).
 */
export function glueTable(
  scope: Construct,
  id: string,
  t: TableDef,
  database: GlueCatalogDatabase,
  props: Pick<GlueCatalogProps, 'account' | 'buckets' | 'classification'>,
): GlueCatalogTable {
  const format = storageFormat(t.storage);
  return new GlueCatalogTable(scope, id, {
    catalogId: props.account,
    databaseName: database.name,
    name: tfLiteral(t.name),
    description: tfLiteral(t.description),
    tableType: 'EXTERNAL_TABLE',
    parameters: tfLiteralMap({
      EXTERNAL: 'TRUE',
      classification: CLASSIFICATION[t.storage.kind],
      ...Object.fromEntries(tableProperties(t, props.buckets)),
      [TABLE_PARAM_CONTRACT]: datasetKey(t.contract),
      [TABLE_PARAM_CLASSIFICATION]: props.classification(t),
      [TABLE_PARAM_LAYER]: t.layer,
    }),
    partitionKeys: t.partitionKeys.map((k) => ({ name: tfLiteral(k.name), type: hiveType(k.type), comment: tfLiteral(k.comment) })),
    storageDescriptor: {
      location: tfLiteral(`s3://${props.buckets[t.bucket]}/${t.prefix}`),
      inputFormat: format.inputFormat,
      outputFormat: format.outputFormat,
      compressed: false,
      serDeInfo: {
        serializationLibrary: format.serde,
        ...(format.serdeParameters.length ? { parameters: tfLiteralMap(Object.fromEntries(format.serdeParameters)) } : {}),
      },
      columns: t.columns.map((c) => ({ name: tfLiteral(c.name), type: hiveType(c.type), comment: tfLiteral(c.comment) })),
    },
  });
}

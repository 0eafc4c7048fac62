import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from '@aws-sdk/client-glue';
import { REPO_ROOT } from '../../support/specs';

interface TfGlueTable {
  database_name: string;
  name: string;
  parameters: Record<string, string>;
  partition_keys: { name: string; type: string; comment?: string }[];
  storage_descriptor: {
    columns: { name: string; type: string; comment?: string }[];
    location: string;
    input_format: string;
    output_format: string;
    ser_de_info: { serialization_library: string; parameters?: Record<string, string> };
  };
}

/** Terraform's `$${` and `%%{` are a literal `${` and `%{` once applied. */
const applied = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

/**
 * The Glue tables the stack deploys, as GetTable would return them after `terraform apply`: read from the
 * committed synthesized stack of an environment (test/golden/stacks/example/expected/{env}.tf.json), with
 * database references resolved to their names.
 */
export function deployedTables(env: string): Table[] {
  const tf = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'golden', 'stacks', 'example', 'expected', `${env}.tf.json`), 'utf8')) as {
    resource: { aws_glue_catalog_table: Record<string, TfGlueTable>; aws_glue_catalog_database: Record<string, { name: string }> };
  };
  const databases = tf.resource.aws_glue_catalog_database;
  return Object.values(tf.resource.aws_glue_catalog_table).map((t) => {
    const ref = /^\$\{aws_glue_catalog_database\.([^.]+)\.name\}$/.exec(t.database_name);
    const database = ref ? databases[ref[1]!]!.name : t.database_name;
    const sd = t.storage_descriptor;
    return {
      DatabaseName: database,
      Name: t.name,
      TableType: 'EXTERNAL_TABLE',
      Parameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, applied(v)])),
      PartitionKeys: t.partition_keys.map((k) => ({ Name: k.name, Type: k.type, Comment: k.comment })),
      StorageDescriptor: {
        Columns: sd.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
        Location: applied(sd.location),
        InputFormat: sd.input_format,
        OutputFormat: sd.output_format,
        Compressed: false,
        SerdeInfo: { SerializationLibrary: sd.ser_de_info.serialization_library, ...(sd.ser_de_info.parameters ? { Parameters: sd.ser_de_info.parameters } : {}) },
      },
    };
  });
}

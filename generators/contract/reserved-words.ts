/**
 * Words reserved in Trino (Athena), DuckDB or Hive DDL. Generated code quotes every identifier, so such a
 * name works; `lakec check` warns because hand-written queries must quote it too.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'all', 'alter', 'and', 'any', 'array', 'as', 'asc', 'between', 'both', 'by', 'case', 'cast', 'check', 'collate',
  'column', 'constraint', 'create', 'cross', 'cube', 'current', 'current_date', 'current_path', 'current_role',
  'current_time', 'current_timestamp', 'current_user', 'date', 'deallocate', 'default', 'delete', 'desc',
  'describe', 'distinct', 'do', 'drop', 'else', 'end', 'escape', 'except', 'execute', 'exists', 'extract',
  'false', 'fetch', 'for', 'foreign', 'from', 'full', 'grant', 'group', 'grouping', 'having', 'in', 'inner',
  'insert', 'intersect', 'interval', 'into', 'is', 'join', 'lateral', 'leading', 'left', 'like', 'limit',
  'listagg', 'localtime', 'localtimestamp', 'natural', 'normalize', 'not', 'null', 'offset', 'on', 'only', 'or',
  'order', 'outer', 'over', 'partition', 'primary', 'range', 'recursive', 'references', 'returning', 'right',
  'rollup', 'row', 'rows', 'select', 'skip', 'some', 'table', 'then', 'timestamp', 'to', 'trailing', 'trim',
  'true', 'uescape', 'union', 'unique', 'unnest', 'user', 'using', 'values', 'when', 'where', 'window', 'with',
]);

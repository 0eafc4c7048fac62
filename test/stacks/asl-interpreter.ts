/**
 * A small Amazon States Language interpreter for tests: enough of the JSONPath processing (InputPath,
 * Parameters, ResultSelector, ResultPath, OutputPath), intrinsic functions, Choice rules, Map, Catch and
 * Retry to run a definition against scripted task results. asl-validator checks structure; this checks
 * what the definition computes (run ids, SQL built by States.Format, the `_LATEST.json` it writes).
 */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export class TaskError extends Error {
  constructor(readonly error: string, override readonly cause = '') {
    super(error);
  }
}

export interface TaskCall {
  readonly state: string;
  readonly resource: string;
  readonly parameters: Json;
}

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly output: Json;
  readonly calls: readonly TaskCall[];
  readonly visited: readonly string[];
}

export interface Context {
  Execution: { Id: string; StartTime: string };
  StateMachine: { Id: string };
  State: { EnteredTime: string; Name: string };
  Map?: { Item: { Index: number; Value: Json } };
}

// ---- JSONPath (the reference-path subset ASL allows, plus [n] indexes) ----

function pathParts(path: string): (string | number)[] {
  const body = path.replace(/^\$\$?/, '');
  const parts: (string | number)[] = [];
  const re = /\.([A-Za-z0-9_]+)|\[(-?[0-9]+)\]|\['([^']+)'\]/g;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(body))) {
    if (m.index !== at) throw new Error(`unsupported path ${path}`);
    parts.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    at = re.lastIndex;
  }
  if (at !== body.length) throw new Error(`unsupported path ${path}`);
  return parts;
}

export function readPath(path: string, input: Json, ctx: Context): Json {
  let v: Json = path.startsWith('$$') ? ctx : input;
  for (const p of pathParts(path)) {
    if (v === null || v === undefined || !(p in Object(v))) throw new TaskError('States.Runtime', `path ${path} not found`);
    v = v[p as keyof typeof v];
  }
  return v;
}

function isPresent(path: string, input: Json, ctx: Context): boolean {
  try {
    readPath(path, input, ctx);
    return true;
  } catch {
    return false;
  }
}

function writePath(target: Json, path: string | null | undefined, value: Json): Json {
  if (path === null) return target;
  if (path === undefined || path === '$') return value;
  const parts = pathParts(path);
  const root = structuredClone(target ?? {});
  let v = root;
  parts.slice(0, -1).forEach((p) => {
    if (typeof v[p] !== 'object' || v[p] === null) v[p] = {};
    v = v[p];
  });
  v[parts[parts.length - 1]!] = value;
  return root;
}

// ---- intrinsic functions ----

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\') cur += text[++i] ?? '';
      else if (c === "'") quoted = false;
      continue;
    }
    if (c === "'") quoted = true;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) args.push(cur.trim());
  return args;
}

function unquote(arg: string): string {
  return arg.slice(1, -1).replace(/\\(.)/g, '$1');
}

export function evalIntrinsic(expr: string, input: Json, ctx: Context): Json {
  expr = expr.trim();
  if (expr.startsWith("'")) return unquote(expr);
  if (expr.startsWith('$')) return readPath(expr, input, ctx);
  if (/^-?[0-9]+$/.test(expr)) return Number(expr);
  if (expr === 'true' || expr === 'false') return expr === 'true';
  if (expr === 'null') return null;
  const m = /^(States\.[A-Za-z]+)\((.*)\)$/s.exec(expr);
  if (!m) throw new Error(`not an intrinsic: ${expr}`);
  const raw = splitArgs(m[2]!);
  const args = raw.map((a) => evalIntrinsic(a, input, ctx));
  switch (m[1]) {
    case 'States.Format': {
      const [format, ...values] = raw;
      const template = format!.slice(1, -1);
      let out = '';
      let n = 0;
      for (let i = 0; i < template.length; i++) {
        const c = template[i]!;
        if (c === '\\') out += template[++i] ?? '';
        else if (c === '{' && template[i + 1] === '}') {
          const v = args[1 + n++];
          out += typeof v === 'string' ? v : JSON.stringify(v);
          i++;
        } else out += c;
      }
      if (n !== values.length) throw new Error(`States.Format: ${n} placeholders, ${values.length} arguments`);
      return out;
    }
    case 'States.StringSplit':
      return String(args[0]).split(new RegExp(`[${String(args[1]).replace(/[\]\\^-]/g, '\\$&')}]`)).filter((s) => s !== '');
    case 'States.ArrayGetItem': {
      const a = args[0] as Json[];
      if (!Number.isInteger(args[1]) || args[1] < 0 || args[1] >= a.length) throw new TaskError('States.Runtime', 'ArrayGetItem index out of range');
      return a[args[1]];
    }
    case 'States.ArrayLength':
      return (args[0] as Json[]).length;
    case 'States.MathAdd':
      return Number(args[0]) + Number(args[1]);
    case 'States.JsonToString':
      return JSON.stringify(args[0]);
    case 'States.StringToJson':
      return JSON.parse(String(args[0]));
    default:
      throw new Error(`intrinsic ${m[1]} not implemented`);
  }
}

function applyTemplate(template: Json, input: Json, ctx: Context): Json {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, ctx));
  if (template === null || typeof template !== 'object') return template;
  const out: Json = {};
  for (const [k, v] of Object.entries(template)) {
    if (k.endsWith('.$')) {
      const expr = String(v);
      out[k.slice(0, -2)] = expr.startsWith('States.') ? evalIntrinsic(expr, input, ctx) : readPath(expr, input, ctx);
    } else out[k] = applyTemplate(v, input, ctx);
  }
  return out;
}

// ---- Choice rules ----

function rule(r: Json, input: Json, ctx: Context): boolean {
  if (r.And) return r.And.every((x: Json) => rule(x, input, ctx));
  if (r.Or) return r.Or.some((x: Json) => rule(x, input, ctx));
  if (r.Not) return !rule(r.Not, input, ctx);
  if ('IsPresent' in r) return isPresent(r.Variable, input, ctx) === r.IsPresent;
  const v = readPath(r.Variable, input, ctx);
  if ('StringEquals' in r) return v === r.StringEquals;
  if ('StringEqualsPath' in r) return v === readPath(r.StringEqualsPath, input, ctx);
  if ('NumericEquals' in r) return v === r.NumericEquals;
  if ('NumericGreaterThan' in r) return v > r.NumericGreaterThan;
  if ('NumericGreaterThanEquals' in r) return v >= r.NumericGreaterThanEquals;
  if ('BooleanEquals' in r) return v === r.BooleanEquals;
  throw new Error(`choice rule not implemented: ${JSON.stringify(r)}`);
}

// ---- the machine ----

export type TaskHandler = (call: TaskCall, ctx: Context) => Json;

export interface RunOptions {
  /** Clock for `EnteredTime`: called once per state entered. */
  readonly now: () => string;
  readonly executionId?: string;
  readonly stateMachineId?: string;
  readonly maxSteps?: number;
}

export function runStateMachine(definition: Json, input: Json, task: TaskHandler, options: RunOptions): RunResult {
  const calls: TaskCall[] = [];
  const visited: string[] = [];
  const base = {
    Execution: { Id: options.executionId ?? 'arn:aws:states:eu-west-1:111111111111:execution:sm:exec-1', StartTime: options.now() },
    StateMachine: { Id: options.stateMachineId ?? 'arn:aws:states:eu-west-1:111111111111:stateMachine:sm' },
  };
  let steps = 0;
  const run = (machine: Json, input: Json, map?: Context['Map']): { status: 'SUCCEEDED' | 'FAILED'; output: Json; error?: string } => {
    let name: string = machine.StartAt;
    let data = input;
    for (;;) {
      if (++steps > (options.maxSteps ?? 500)) throw new Error('state machine did not finish');
      const s = machine.States[name];
      if (!s) throw new Error(`no state ${name}`);
      visited.push(name);
      const ctx: Context = { ...base, State: { EnteredTime: options.now(), Name: name }, ...(map ? { Map: map } : {}) };
      try {
        switch (s.Type) {
          case 'Succeed':
            return { status: 'SUCCEEDED', output: data };
          case 'Fail':
            return { status: 'FAILED', output: data, error: s.Error };
          case 'Wait':
            name = s.Next;
            continue;
          case 'Choice': {
            const hit = s.Choices.find((c: Json) => rule(c, data, ctx));
            name = hit ? hit.Next : s.Default;
            if (!name) throw new TaskError('States.NoChoiceMatched');
            continue;
          }
          case 'Pass': {
            const effective = s.InputPath === undefined ? data : readPath(s.InputPath, data, ctx);
            const result = s.Parameters ? applyTemplate(s.Parameters, effective, ctx) : 'Result' in s ? s.Result : effective;
            data = writePath(data, s.ResultPath, result);
            break;
          }
          case 'Task':
          case 'Map': {
            const effective = s.InputPath === undefined ? data : readPath(s.InputPath, data, ctx);
            let result: Json;
            if (s.Type === 'Task') {
              const call = { state: name, resource: s.Resource, parameters: s.Parameters ? applyTemplate(s.Parameters, effective, ctx) : effective };
              calls.push(call);
              let attempts = 0;
              for (;;) {
                try {
                  result = task(call, ctx);
                  break;
                } catch (e) {
                  const retry = e instanceof TaskError && (s.Retry ?? []).find((r: Json) => r.ErrorEquals.includes(e.error) || r.ErrorEquals.includes('States.ALL'));
                  if (!retry || ++attempts > retry.MaxAttempts) throw e;
                }
              }
              if (s.ResultSelector) result = applyTemplate(s.ResultSelector, result, ctx);
            } else {
              const items = readPath(s.ItemsPath ?? '$', effective, ctx) as Json[];
              result = items.map((value, index) => {
                const itemInput = s.ItemSelector ? applyTemplate(s.ItemSelector, effective, { ...ctx, Map: { Item: { Index: index, Value: value } } }) : value;
                const r = run(s.ItemProcessor, itemInput);
                if (r.status === 'FAILED') throw new TaskError(r.error ?? 'States.TaskFailed');
                return r.output;
              });
            }
            data = writePath(data, s.ResultPath, result);
            break;
          }
          default:
            throw new Error(`state type ${s.Type} not implemented`);
        }
        if (s.OutputPath) data = readPath(s.OutputPath, data, ctx);
        if (s.End) return { status: 'SUCCEEDED', output: data };
        name = s.Next;
      } catch (e) {
        if (!(e instanceof TaskError)) throw e;
        const c = (s.Catch ?? []).find((x: Json) => x.ErrorEquals.includes(e.error) || x.ErrorEquals.includes('States.ALL'));
        if (!c) return { status: 'FAILED', output: data, error: e.error };
        data = writePath(data, c.ResultPath, { Error: e.error, Cause: e.cause });
        name = c.Next;
      }
    }
  };
  const r = run(definition, input);
  return { ...r, calls, visited };
}

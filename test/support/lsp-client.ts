import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * A minimal Language Server Protocol client over stdio (Content-Length framed JSON-RPC), enough to open a
 * document in a real language server, read its diagnostics and ask for completions.
 */
export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly diagnostics = new Map<string, unknown[]>();
  private readonly diagnosticWaiters: { uri: string; resolve: (d: unknown[]) => void }[] = [];
  /** Answers to the server's own requests (e.g. workspace/configuration). */
  configuration: unknown[] = [];

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())![1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as {
        id?: number; method?: string; params?: { uri: string; diagnostics: unknown[] }; result?: unknown; error?: { message: string };
      };
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (body.method && body.id !== undefined) {
        // A request from the server: answer configuration requests, acknowledge the rest.
        const result = body.method === 'workspace/configuration' ? this.configuration : null;
        this.send({ jsonrpc: '2.0', id: body.id, result });
      } else if (body.method === 'textDocument/publishDiagnostics' && body.params) {
        this.diagnostics.set(body.params.uri, body.params.diagnostics);
        for (const w of this.diagnosticWaiters.filter((x) => x.uri === body.params!.uri)) w.resolve(body.params.diagnostics);
        this.diagnosticWaiters.splice(0, this.diagnosticWaiters.length, ...this.diagnosticWaiters.filter((x) => x.uri !== body.params!.uri));
      } else if (body.id !== undefined && this.pending.has(body.id)) {
        const p = this.pending.get(body.id)!;
        this.pending.delete(body.id);
        if (body.error) p.reject(new Error(body.error.message));
        else p.resolve(body.result);
      }
    }
  }

  private send(message: object): void {
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${json.length}\r\n\r\n`);
    this.child.stdin.write(json);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next diagnostics published for `uri` (servers publish after each open/change). */
  nextDiagnostics(uri: string): Promise<unknown[]> {
    return new Promise((resolve) => this.diagnosticWaiters.push({ uri, resolve }));
  }

  async shutdown(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      this.notify('exit', null);
    } finally {
      clearTimeout(timer);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 1000);
      await exited;
      clearTimeout(kill);
      this.child.stdin.destroy();
      this.child.stdout.destroy();
      this.child.stderr.destroy();
    }
  }
}

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium, as .ci/run installs it (LAKEC_CHROMIUM overrides, e.g. Google Chrome on a GitHub runner). */
export const CHROMIUM = process.env.LAKEC_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile and no background networking (this machine has no network). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  const profile = mkdtempSync(join(tmpdir(), 'lakec-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves a folder on 127.0.0.1 (a 404 for anything outside it or missing). */
export async function serveFolder(root: string): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(normalize(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const type = file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server, requests };
}

/** Runs in the page (a string: the project compiles without DOM types). */
const EXTRACT = `(() => ({
  title: document.title,
  compatMode: document.compatMode,
  scripts: document.querySelectorAll('script').length,
  links: [...document.querySelectorAll('a')].map((a) => (typeof a.href === 'string' ? a.href : a.href.baseVal)),
  ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
  svgNodes: document.querySelectorAll('svg a.node').length,
  text: document.body.innerText,
}))()`;

export interface PageReport {
  readonly path: string;
  readonly title: string;
  readonly compatMode: string;
  readonly scripts: number;
  readonly links: readonly string[];
  readonly ids: readonly string[];
  readonly svgNodes: number;
  readonly consoleErrors: readonly string[];
  readonly text: string;
}

/**
 * Opens every page reachable from `start` by links (HTML and SVG `<a>`), and reports what each shows. Any
 * request to another origin is blocked and recorded, and so is a dialog (a script that ran).
 */
export async function crawl(browser: Browser, baseUrl: string, start: string): Promise<{ pages: Map<string, PageReport>; foreign: string[]; dialogs: string[]; broken: string[] }> {
  const page = await browser.context.newPage();
  const foreign: string[] = [];
  const dialogs: string[] = [];
  const broken: string[] = [];
  let consoleErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(baseUrl)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  const pages = new Map<string, PageReport>();
  const queue = [start];
  while (queue.length) {
    const path = queue.shift()!;
    if (pages.has(path)) continue;
    consoleErrors = [];
    const response = await page.goto(`${baseUrl}${path}`);
    if (!response || response.status() !== 200) {
      broken.push(`${path}: HTTP ${response?.status() ?? 'no response'}`);
      continue;
    }
    const info = (await page.evaluate(EXTRACT)) as Omit<PageReport, 'path' | 'consoleErrors'>;
    const here = new URL(`${baseUrl}${path}`);
    const links = info.links.map((href) => new URL(href, here).href);
    pages.set(path, { path, ...info, links, consoleErrors: [...consoleErrors] });
    for (const link of links) {
      const u = new URL(link);
      if (u.origin !== new URL(baseUrl).origin) {
        broken.push(`${path}: link to another origin ${link}`);
        continue;
      }
      const target = u.pathname.slice(1);
      if (!pages.has(target) && !queue.includes(target)) queue.push(target);
    }
  }
  // Every fragment must name an element of its page.
  for (const p of pages.values()) {
    for (const link of p.links) {
      const u = new URL(link);
      if (!u.hash) continue;
      const target = pages.get(u.pathname.slice(1));
      const id = decodeURIComponent(u.hash.slice(1));
      if (!target) broken.push(`${p.path}: ${link} points to a page that did not load`);
      else if (!target.ids.includes(id)) broken.push(`${p.path}: ${link} names no element #${id}`);
    }
  }
  await page.close();
  return { pages, foreign, dialogs, broken };
}

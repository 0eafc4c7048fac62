#!/usr/bin/env node
'use strict';
/**
 * Keeps package-lock.json valid for `npm ci` when the registry this machine reaches lacks the optional
 * platform packages of other systems (e.g. @duckdb/node-bindings-darwin-arm64 answers 404 here): npm
 * then leaves them out of the lock, and `npm ci` refuses the lock as out of sync. This adds an entry
 * for every optional dependency the lock names but lacks, with the os/cpu/libc its name declares, so
 * npm ci skips it on this platform exactly as it would with a complete lock.
 * Run after `npm install`: `node .ci/lock-foreign-platforms.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  const libc = parts.includes('musl') ? 'musl' : os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf') || parts.includes('glibc')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    const base = key === '' ? 'node_modules' : `${key}/node_modules`;
    const nested = `${base}/${dep}`;
    const top = `node_modules/${dep}`;
    if (lock.packages[nested] || lock.packages[top]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform package: leave npm's decision alone
    lock.packages[top] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(os ? { os: [os] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      dev: entry.dev || undefined,
      optional: true,
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`lock-foreign-platforms: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}\n`);

#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm ci` (the prepare script) and `npm run build`.
let main;
try {
  main = require('../dist/cli/main.js').main;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(String(err.message))) {
    process.stderr.write('lakec: not built yet. Run `npm ci` (or `npm run build`) in the lakec checkout first.\n');
    process.exit(2);
  }
  throw err;
}
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });

import { main } from '../../../cli/main';

/** `node cli-child.js ARGS…`: the lakec CLI from current sources (bundled by test/runtime/support/bundle.ts). */
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

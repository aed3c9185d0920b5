#!/usr/bin/env node
import v8 from "node:v8";

// `scan` streams a dump of any size through one engine: its live heap stays ~17 MB, yet with V8's
// default heap growth a 20k-document dump peaked at 223-243 MB RSS (old space left to grow between
// full collections, a 16 MB young generation). Set before any module of ours loads; measured on
// dev.jsonl x4: peak RSS 238 -> 192 MB, same output (see README, Benchmarks). Batch, serve and the
// worker keep V8's defaults: they trade memory for throughput on purpose.
// A smaller inlining budget per optimized function (200 bytes of bytecode, V8's default 920): the
// optimizing compiler's graphs and code were ~35 MB of the peak (measured on dev.jsonl x4: 192-206 MB
// -> 169-173 MB, 9.72-9.94 s -> 9.45-9.88 s, four runs each alternating, same output).
if (process.argv.slice(2).find((a) => !a.startsWith("-")) === "scan") {
  v8.setFlagsFromString("--optimize-for-size --semi-space-growth-factor=1 --max-inlined-bytecode-size-cumulative=200");
}
const { run } = await import("../dist/cli/program.js");

const io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: process.stdin,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
};
process.exitCode = await run(process.argv.slice(2), io);

#!/usr/bin/env node
// The one place that ends the process: everything else returns an exit code.
import { main } from '../dist/bundle/main.js';

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
  cwd: process.cwd(),
  progress: process.stderr,
});
process.exitCode = code;

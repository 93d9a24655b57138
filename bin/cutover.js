#!/usr/bin/env node
// The one place that ends the process: everything else returns an exit code.
import { main } from '../dist/bundle/main.js';

// A reader that stops early (`cutover log | head`) closes the pipe: stop writing to it, quietly,
// and still end with the command's own exit code.
const closed = new Set();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}
const writeTo = (stream) => (text) => {
  if (!closed.has(stream)) stream.write(text);
};

const code = await main(process.argv.slice(2), {
  stdout: writeTo(process.stdout),
  stderr: writeTo(process.stderr),
  env: process.env,
  now: () => new Date(),
  cwd: process.cwd(),
  progress: process.stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
});
process.exitCode = code;

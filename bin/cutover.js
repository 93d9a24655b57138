#!/usr/bin/env node
// The one place that ends the process: everything else returns an exit code.
// CommonJS (bin/package.json), as is all of dist/bundle/: a start then needs no ES module loader.
const { main } = require('../dist/bundle/main.js');

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

main(process.argv.slice(2), {
  stdout: writeTo(process.stdout),
  stdoutDrained: () => {
    const out = process.stdout;
    if (!out.writableNeedDrain || closed.has(out)) return Promise.resolve();
    // A reader that goes away mid-stream ends the wait too (see above).
    return new Promise((resolve) => {
      const events = ['drain', 'close', 'error'];
      const done = () => {
        for (const event of events) out.off(event, done);
        resolve();
      };
      for (const event of events) out.on(event, done);
    });
  },
  stderr: writeTo(process.stderr),
  env: process.env,
  now: () => new Date(),
  cwd: process.cwd(),
  progress: process.stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});

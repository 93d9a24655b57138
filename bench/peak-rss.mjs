// Preloaded into every node process a benchmark starts (NODE_OPTIONS=--import): at exit, append
// this process's peak resident set size (KiB) to $CUTOVER_PEAK_RSS_FILE.
import { appendFileSync } from 'node:fs';

const file = process.env.CUTOVER_PEAK_RSS_FILE;
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // a measurement that cannot be written is a missing figure, never a failed command
    }
  });
}

// The hardware limit verify is compared with: `openssl speed ed25519` verifications per second, on
// `cores` processes at once (`-multi`, which adds up every process). One 2-second sample moves by a
// few per cent with the machine's load, so the benchmarks take several, interleaved with their own
// runs, and use the median.
import { spawnSync } from 'node:child_process';

/** One sample: Ed25519 verifications per second on `cores` cores; null when openssl cannot say. */
export function opensslVerifySample(cores) {
  const args = cores > 1 ? ['speed', '-seconds', '2', '-multi', String(cores), 'ed25519'] : ['speed', '-seconds', '2', 'ed25519'];
  const r = spawnSync('openssl', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error !== undefined || r.status !== 0) return null;
  // The table row, summed over processes with -multi: "253 bits EdDSA (Ed25519) 0.0000s 0.0001s <sign/s> <verify/s>".
  const table = /ed25519\)\s+[\d.]+s\s+[\d.]+s\s+[\d.]+\s+([\d.]+)/i.exec(r.stdout);
  const rate = table === null ? NaN : Number(table[1]);
  return Number.isFinite(rate) ? rate : null;
}

export const OPENSSL_COMMAND = (cores) => (cores > 1 ? `openssl speed -seconds 2 -multi ${cores} ed25519` : 'openssl speed -seconds 2 ed25519');

// Late-packet selection benchmark: how long selecting (debugOpen + first frame) a late packet takes in the
// engine (worker/api/engine.ts) now that stepping any packet is exact — debugOpen(i) restores the nearest
// checkpoint and re-runs the packets in between on the fast path. N packets (100,000 by default; the
// LATE_PACKET_N environment variable changes it) through a program that counts in an array map and also
// fills a hash map with up to 100,000 entries (so checkpoints get sparse: snapEveryFor). Reports the run
// time, the checkpoint spacing and the latency of selecting three packets. It only measures: the
// exactness of what is shown is asserted in worker/api/late-packet.test.ts.
import { engine, snapEveryFor } from '../api/engine';
import type { Bench } from './types';

/** The measured program (shared with worker/api/late-packet.test.ts). */
export const LATE_PACKET_PROGRAM = [
  '.map counter array key=4 value=8 entries=1',
  '.map seen hash key=8 value=8 entries=100000',
  '  r1 = 0',
  '  *(u32 *)(r10 - 4) = r1',
  '  r2 = r10',
  '  r2 += -4',
  '  r1 = counter ll',
  '  call bpf_map_lookup_elem',
  '  if r0 == 0 goto out',
  '  r1 = 1',
  '  r1 = atomic_fetch_add((u64 *)(r0 + 0), r1)',
  '  r1 += 1',
  '  r6 = r1',
  '  r1 &= 1023                    # one hash entry per count modulo 1024',
  '  *(u64 *)(r10 - 16) = r1',
  '  *(u64 *)(r10 - 24) = r6',
  '  r1 = seen ll',
  '  r2 = r10',
  '  r2 += -16',
  '  r3 = r10',
  '  r3 += -24',
  '  r4 = 0',
  '  call bpf_map_update_elem',
  '  r0 = r6',
  '  exit',
  'out:',
  '  r0 = 0',
  '  exit',
].join('\n');

/** The maps of LATE_PACKET_PROGRAM as snapEveryFor takes them. */
export const LATE_PACKET_MAPS = [{ keySize: 4, valueSize: 8, maxEntries: 1 }, { keySize: 8, valueSize: 8, maxEntries: 100_000 }];

const bench: Bench = {
  name: 'engine: selecting a late packet',
  run(report) {
    const n = Number(process.env.LATE_PACKET_N ?? 100_000);
    if (!Number.isInteger(n) || n < 100) throw new Error(`LATE_PACKET_N must be an integer >= 100, not ${process.env.LATE_PACKET_N}`);
    const b = engine.build({ source: LATE_PACKET_PROGRAM, dialect: 'llvm', progType: 'socket_filter' });
    if (!b.ok) throw new Error(b.diagnostics.map((d) => d.message).join('; '));
    const one = engine.samplePackets()[0]!;
    engine.setInputs({ packets: Array.from({ length: n }, () => one), maps: {}, maxInsns: 1_000_000 });
    let t = performance.now();
    let last = '';
    for (let from = 0; from < n; from += 2500) last = engine.runPackets(from, Math.min(2500, n - from)).at(-1)!.retval;
    const every = snapEveryFor(n, LATE_PACKET_MAPS);
    report(`run of ${n} packets in chunks of 2,500: ${Math.round(performance.now() - t)} ms (last retval ${last}); a checkpoint every ${every} packets`);
    for (const i of [n - 1, Math.floor(n / 2) + 7, 15]) {
      t = performance.now();
      const d = engine.debugOpen(i);
      engine.frame(0);
      const ms = performance.now() - t;
      const retval = engine.frame(d.total)?.retval;
      report(`select packet ${i}: ${ms.toFixed(1)} ms (re-runs ${i % every} packets; retval ${retval}${retval === String(i + 1) ? '' : `, expected ${i + 1}`})`);
    }
  },
};

export default bench;

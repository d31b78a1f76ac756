// Selecting a late packet is exact: debugOpen(i) restores the nearest checkpoint and re-runs the packets
// in between on the fast path, so the first frame shows the map contents the run had before packet i and
// the last frame the packet's own result. N packets through a program that counts in an array map and also
// fills a 100,000-entry hash map (so checkpoints are sparse and restores re-run many packets). The latency
// is measured by worker/bench/late-packet.bench.ts (npm run bench -- late-packet), not here.
import { describe, expect, it } from 'vitest';
import { LATE_PACKET_MAPS, LATE_PACKET_PROGRAM } from '../bench/late-packet.bench';
import { engine, snapEveryFor } from './engine';

const N = 5_000;

describe('selecting a late packet', () => {
  it('stepping packet i of N shows the counter the run had before it and its own result', () => {
    expect(engine.build({ source: LATE_PACKET_PROGRAM, dialect: 'llvm', progType: 'socket_filter' }).ok).toBe(true);
    const one = engine.samplePackets()[0]!;
    engine.setInputs({ packets: Array.from({ length: N }, () => one), maps: {}, maxInsns: 1_000_000 });
    let last = '';
    for (let from = 0; from < N; from += 2500) last = engine.runPackets(from, 2500).at(-1)!.retval;
    expect(last).toBe(String(N));
    const every = snapEveryFor(N, LATE_PACKET_MAPS);
    expect(every).toBeGreaterThan(16); // sparse checkpoints: selections below re-run packets
    for (const i of [N - 1, N / 2 + 7, 15, every + 3]) {
      const d = engine.debugOpen(i);
      expect(d.error).toBeNull();
      const f0 = engine.frame(0)!;
      expect(f0.maps[0]!.entries[0]!.value.slice(0, 8)).toBe(i.toString(16).padStart(8, '0').match(/../g)!.reverse().join(''));
      expect(engine.frame(d.total)!.retval).toBe(String(i + 1));
    }
  }, 60_000);
});

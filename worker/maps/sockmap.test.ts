// bpf_sock_map_update / bpf_sock_hash_update from sock_ops programs: which callbacks may add the socket
// (sock_map_op_okay), the update flags and errors, and the socket stored (its index in the events file).
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import type { Program } from '../isa/program';
import { CTX_BASE, runFast } from '../vm';
import { SockMap } from './sockmap';
import { bytesHex, createMapSet } from './types';
import './index';

/** key = KEY on the stack; return bpf_sock_map_update / bpf_sock_hash_update(ctx, &m, &key, FLAGS). */
function prog(hash: boolean, key: number, flags: number): Program {
  const r = assemble(`.map m ${hash ? 'sockhash' : 'sockmap'} key=4 value=4 entries=2
	*(u32 *)(r10 - 4) = ${key}
	r2 = m ll
	r3 = r10
	r3 += -4
	r4 = ${flags}
	call ${hash ? 'bpf_sock_hash_update' : 'bpf_sock_map_update'}
	exit
`, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.program, progType: 'sock_ops' };
}

function run(p: Program, maps: ReturnType<typeof createMapSet>['maps'], op: number, socketIndex = 3): number {
  const ctx = new Uint8Array(224);
  ctx[0] = op;
  const r = runFast({ program: p, maps: maps!, ctx: { sockOps: { socketIndex } }, ctxRegion: 'ctx', regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx }] });
  expect(r.fault).toBeNull();
  return Number(BigInt.asIntN(32, r.r0 & 0xffffffffn));
}

describe('sock_map_update / sock_hash_update', () => {
  it('only the established and listen callbacks may add the socket', () => {
    for (const hash of [false, true]) {
      const p = prog(hash, 1, 0);
      const maps = createMapSet(p.maps).maps!;
      for (const op of [1, 2, 3, 6, 7, 8]) expect(run(p, maps, op), `op ${op}`).toBe(-95);
      expect(run(p, maps, 4)).toBe(0);
      expect((maps[0] as SockMap).entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual([['01000000', '03000000']]);
      expect(run(p, maps, 5, 7)).toBe(0);
      expect(run(p, maps, 11, 7)).toBe(0);
      expect((maps[0] as SockMap).socketAt(Uint8Array.of(1, 0, 0, 0))).toBe(7);
    }
  });
  it('flags and bounds as sock_map_update_common / sock_hash_update_common', () => {
    const cases: [boolean, number, number, number][] = [
      [false, 1, 1, 0], [false, 1, 1, -17], [false, 0, 2, -2], [false, 2, 0, -7], [false, 0, 3, -22],
      [true, 5, 2, -2], [true, 5, 0, 0], [true, 6, 0, 0], [true, 7, 0, -7], [true, 5, 1, -17], [true, 5, 4, -22],
    ];
    const maps = { false: createMapSet(prog(false, 0, 0).maps).maps!, true: createMapSet(prog(true, 0, 0).maps).maps! };
    for (const [hash, key, flags, rc] of cases) expect(run(prog(hash, key, flags), maps[`${hash}`], 4), `${hash ? 'sockhash' : 'sockmap'} key ${key} flags ${flags}`).toBe(rc);
  });
});

// BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (kernel/bpf/queue_stack_maps.c): keyless FIFO / LIFO of
// max_entries values. push (bpf_map_push_elem, or update with a NULL key) with BPF_ANY fails with -E2BIG
// when full, with BPF_EXIST it drops the oldest value to make room; BPF_NOEXIST is -EINVAL. pop and peek
// give -ENOENT when empty, and the helpers then zero the caller's value buffer first, as
// __queue_map_get/__stack_map_get do (memset before -ENOENT). Lookups return NULL and delete is -EINVAL, as in the kernel. The dump lists
// values in pop order (what successive bpf_map_lookup_and_delete_elem calls would return).
// Also registers the push/pop/peek helpers (ids 87-89), which only apply to these maps.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperEnv, type HelperResult } from '../helpers/types';
import { BPF_EXIST, BPF_NOEXIST, E2BIG, EINVAL, ENOENT, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export class QueueStackMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  private items: Uint8Array[] = [];
  constructor(readonly def: MapDef, readonly lifo: boolean) {}
  lookup(): MapValueRef | null {
    return null;
  }
  /** Map update with a NULL key is a push. */
  update(_key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.push(value, flags);
  }
  push(value: Uint8Array, flags: number): number {
    if (flags & BPF_NOEXIST || flags > BPF_EXIST) return -EINVAL;
    if (this.items.length >= this.def.maxEntries) {
      if (!(flags & BPF_EXIST)) return -E2BIG;
      // the oldest element goes: the queue's head, the stack's bottom
      this.items.shift();
    }
    this.items.push(value.slice(0, this.def.valueSize));
    return 0;
  }
  /** The next value (pop order) and whether to remove it; -ENOENT when empty. */
  take(remove: boolean): Uint8Array | number {
    if (this.items.length === 0) return -ENOENT;
    const v = this.lifo ? this.items[this.items.length - 1]! : this.items[0]!;
    if (remove) {
      if (this.lifo) this.items.pop();
      else this.items.shift();
    }
    return v;
  }
  delete(): number {
    return -EINVAL;
  }
  getNextKey(): Uint8Array | null {
    return null;
  }
  entries(): MapEntry[] {
    const order = this.lifo ? this.items.slice().reverse() : this.items.slice();
    return order.map((v) => ({ key: new Uint8Array(0), value: v.slice() }));
  }
  snapshot(): unknown {
    return this.items.map((v) => v.slice());
  }
  restore(s: unknown): void {
    this.items = (s as Uint8Array[]).map((v) => v.slice());
  }
}

/** queue_stack_map_alloc_check: key_size 0, value_size > 0, max_entries > 0, no BPF_F_NO_PREALLOC etc. */
function make(def: MapDef, lifo: boolean): MapImpl | ReturnType<typeof err> {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  const what = `${lifo ? 'stack' : 'queue'} map '${def.name}'`;
  if (def.keySize !== 0) return err(`${what} must have key_size 0 (-EINVAL)`, loc, 'map.def');
  if (def.valueSize === 0 || def.maxEntries === 0) return err(`${what} needs value_size and max_entries > 0 (-EINVAL)`, loc, 'map.def');
  return new QueueStackMap(def, lifo);
}

registerMapType('queue', (def) => make(def, false));
registerMapType('stack', (def) => make(def, true));

function qs(env: HelperEnv, r1: bigint): QueueStackMap | { fault: string } {
  const m = env.mapByAddr(r1);
  if (!m) return { fault: `R1 = 0x${r1.toString(16)} is not a map pointer` };
  if (!(m.impl instanceof QueueStackMap)) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map, not a queue or stack` };
  env.mapWillChange(m.index, new Uint8Array(0));
  return m.impl;
}

registerHelper({
  id: 87, name: 'map_push_elem',
  call(env, r1, r2, r3): HelperResult {
    const m = qs(env, r1);
    if ('fault' in m) return m;
    const v = env.read(r2, m.def.valueSize);
    if (typeof v === 'string') return { fault: `value: ${v}` };
    const rc = m.push(v, Number(r3 & 0xffffffffn));
    return rc ? errno(-rc) : 0n;
  },
});

for (const [id, name, remove] of [[88, 'map_pop_elem', true], [89, 'map_peek_elem', false]] as const)
  registerHelper({
    id, name,
    call(env, r1, r2): HelperResult {
      const m = qs(env, r1);
      if ('fault' in m) return m;
      const v = m.take(remove);
      if (typeof v === 'number') {
        // empty: the kernel clears value_size bytes of the buffer before returning -ENOENT
        const z = env.write(r2, new Uint8Array(m.def.valueSize));
        return z === true ? errno(-v) : { fault: z };
      }
      const w = env.write(r2, v);
      return w === true ? 0n : { fault: w };
    },
  });

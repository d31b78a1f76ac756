// BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): one multi-producer ring of variable-length records shared
// by every CPU, and the helpers bpf_ringbuf_output/reserve/submit/discard/query (ids 130-134).
//
// Layout and rules as in the kernel: max_entries is the data size, a power of two and a multiple of the
// 4 KiB page (ringbuf_map_alloc: otherwise -EINVAL); key_size and value_size must be 0; the only creation
// flag is BPF_F_NUMA_NODE. A record is an 8-byte header (struct bpf_ringbuf_hdr: u32 len with
// BPF_RINGBUF_BUSY_BIT (1 << 31) while reserved and BPF_RINGBUF_DISCARD_BIT (1 << 30) once discarded, u32
// pg_off = the header's page offset from the start of struct bpf_ringbuf, whose data begins after three
// pages) followed by the sample, the whole rounded up to 8 bytes. __bpf_ringbuf_reserve fails (NULL) when
// the size is over RINGBUF_MAX_RECORD_SZ or the ring, when the producer would move more than
// ring_size - 1 past the consumer position, or more than ring_size - 1 past the oldest record still
// reserved (pending_pos). bpf_ringbuf_reserve with flags != 0 gives NULL; bpf_ringbuf_output with flags
// other than BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP gives -EINVAL and -EAGAIN when there is no room.
// bpf_ringbuf_query: BPF_RB_AVAIL_DATA (producer - consumer), BPF_RB_RING_SIZE, BPF_RB_CONS_POS,
// BPF_RB_PROD_POS; any other flag gives 0. Wakeups (bpf_ringbuf_commit: FORCE_WAKEUP, or the record is at
// the consumer position and NO_WAKEUP is not given) are counted in `wakeups` for the UI.
//
// Memory: the kernel maps the data pages twice in a row so that a record crossing the end of the ring is
// contiguous. bpfplay's `valueArea` is likewise 2 * size bytes (the VM maps it as one 'ringbuf' region):
// reserving a record that crosses the end copies the stale bytes it covers into the second copy, and
// committing it folds what the program wrote there back into the first; the first copy is the ring.
//
// Consumers: nobody consumes during a run, as under BPF_PROG_TEST_RUN (the consumer position stays where
// user space left it), so a ring fills up across runs unless user space calls `consume()`. What a consumer
// would read, records in position order up to the first one still reserved, discarded ones skipped, is
// (1) emitted as `{kind: 'ringbuf'}` outputs at the moment it becomes readable (a record submitted while
// an earlier one is still reserved is emitted when that earlier one is committed), and (2) listed by
// `entries()`: the kernel cannot dump a ringbuf (`bpftool map dump` fails, lookup/update/delete/
// get_next_key are -ENOTSUPP), so bpfplay's dump shows the unconsumed readable records instead, each as
// key = its 8-byte ring position (big-endian, so that sorted keys are ring order) and value = the sample.
// Not modelled: user-space producers (BPF_MAP_TYPE_USER_RINGBUF), dynptr variants (helpers 198-200),
// epoll/irq_work (wakeups are only counted), NMI trylock failures.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperEnv, type HelperResult } from '../helpers/types';
import { EAGAIN, EINVAL, ENOTSUPP, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export const BPF_RINGBUF_BUSY_BIT = 0x80000000;
export const BPF_RINGBUF_DISCARD_BIT = 0x40000000;
export const BPF_RINGBUF_HDR_SZ = 8;
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;
const PAGE_SIZE = 4096;
/** UINT_MAX / 4 */
const RINGBUF_MAX_RECORD_SZ = 0x3fffffff;
/** Pages of struct bpf_ringbuf before the data: the kernel's own page, the consumer page, the producer page. */
const RINGBUF_DATA_PGOFF = 3;
const BPF_F_NUMA_NODE = 1 << 2;
/** bpfplay's limit on the data size (the kernel allows far more; memory here is a browser tab's). */
export const RINGBUF_MAX_SIM_SIZE = 16 << 20;

const roundUp8 = (n: number): number => (n + 7) & ~7;

/** One record as a consumer (or the UI) sees it. */
export interface RingbufRecord {
  /** Ring position of the header (monotonic; offset in the ring = pos & (size - 1)). */
  pos: number;
  /** Sample length (without the header). */
  len: number;
  busy: boolean;
  discarded: boolean;
  data: Uint8Array;
}

interface RingState {
  area: Uint8Array;
  consumerPos: number;
  producerPos: number;
  pendingPos: number;
  deliveredPos: number;
  wakeups: number;
}

export class RingbufMap implements MapImpl {
  readonly valueArea: Uint8Array;
  readonly valueStride: number;
  readonly valuesAccessible = true;
  readonly size: number;
  readonly mask: number;
  consumerPos = 0;
  producerPos = 0;
  /** The oldest record not yet committed (the kernel's rb->pending_pos, advanced lazily at reserve). */
  pendingPos = 0;
  /** How far a consumer reading as fast as possible would have read (drives the outputs). */
  deliveredPos = 0;
  /** Wakeups bpf_ringbuf_commit would have sent to a waiting consumer. */
  wakeups = 0;
  private readonly dv: DataView;
  constructor(readonly def: MapDef) {
    this.size = def.maxEntries;
    this.mask = this.size - 1;
    this.valueArea = new Uint8Array(2 * this.size);
    this.valueStride = this.valueArea.length;
    this.dv = new DataView(this.valueArea.buffer);
  }

  private hdrLen(pos: number): number {
    return this.dv.getUint32(pos & this.mask, true);
  }

  /** The ring's bytes at ring position `pos` (wrapping), from the authoritative first copy. */
  private ringRead(pos: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const off = pos & this.mask;
    const first = Math.min(len, this.size - off);
    out.set(this.valueArea.subarray(off, off + first));
    if (first < len) out.set(this.valueArea.subarray(0, len - first), first);
    return out;
  }

  /**
   * __bpf_ringbuf_reserve: the data offset of a new record in `valueArea` (just after its header), or
   * null when it does not fit.
   */
  reserve(size: number): number | null {
    if (size > RINGBUF_MAX_RECORD_SZ) return null;
    const len = roundUp8(size + BPF_RINGBUF_HDR_SZ);
    if (len > this.size) return null;
    let pend = this.pendingPos;
    while (pend < this.producerPos) {
      const h = this.hdrLen(pend);
      if (h & BPF_RINGBUF_BUSY_BIT) break;
      pend += roundUp8((h & ~BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ);
    }
    this.pendingPos = pend;
    const newProd = this.producerPos + len;
    if (newProd - this.consumerPos > this.mask || newProd - pend > this.mask) return null;
    const off = this.producerPos & this.mask;
    this.dv.setUint32(off, (size | BPF_RINGBUF_BUSY_BIT) >>> 0, true);
    this.dv.setUint32(off + 4, RINGBUF_DATA_PGOFF + Math.floor(off / PAGE_SIZE), true);
    // A record crossing the end: the second mapping shows the same (stale) bytes as the first.
    const end = off + len;
    if (end > this.size) this.valueArea.copyWithin(this.size, 0, end - this.size);
    this.producerPos = newProd;
    return off + BPF_RINGBUF_HDR_SZ;
  }

  /** Whether `dataOff` (an offset in `valueArea`) is the data of a record that is reserved right now. */
  isReserved(dataOff: number): boolean {
    const off = dataOff - BPF_RINGBUF_HDR_SZ;
    if (off < 0 || off >= this.size || off % 8 !== 0) return false;
    if (!(this.hdrLen(off) & BPF_RINGBUF_BUSY_BIT)) return false;
    // The header must be one the producer handed out since the consumer position.
    for (let p = Math.max(this.consumerPos, this.pendingPos); p < this.producerPos;) {
      if ((p & this.mask) === off) return true;
      const h = this.hdrLen(p);
      p += roundUp8((h & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) + BPF_RINGBUF_HDR_SZ);
    }
    return false;
  }

  /**
   * bpf_ringbuf_commit: clears BUSY (sets DISCARD for a discard), counts a wakeup, and returns the records
   * that have just become readable for a consumer, in order.
   */
  commit(dataOff: number, flags: number, discard: boolean): RingbufRecord[] {
    const off = dataOff - BPF_RINGBUF_HDR_SZ;
    const h = this.hdrLen(off);
    const size = h & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    const end = off + roundUp8(size + BPF_RINGBUF_HDR_SZ);
    if (end > this.size) this.valueArea.copyWithin(0, this.size, end);
    this.dv.setUint32(off, ((h ^ BPF_RINGBUF_BUSY_BIT) | (discard ? BPF_RINGBUF_DISCARD_BIT : 0)) >>> 0, true);
    if (flags & BPF_RB_FORCE_WAKEUP) this.wakeups++;
    else if ((this.consumerPos & this.mask) === off && !(flags & BPF_RB_NO_WAKEUP)) this.wakeups++;
    const out: RingbufRecord[] = [];
    while (this.deliveredPos < this.producerPos) {
      const r = this.recordAt(this.deliveredPos);
      if (r.busy) break;
      this.deliveredPos += roundUp8(r.len + BPF_RINGBUF_HDR_SZ);
      if (!r.discarded) out.push(r);
    }
    return out;
  }

  private recordAt(pos: number): RingbufRecord {
    const h = this.hdrLen(pos);
    const len = h & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    const busy = (h & BPF_RINGBUF_BUSY_BIT) !== 0;
    return { pos, len, busy, discarded: (h & BPF_RINGBUF_DISCARD_BIT) !== 0, data: busy ? new Uint8Array(0) : this.ringRead(pos + BPF_RINGBUF_HDR_SZ, len) };
  }

  /** Every record between the consumer and the producer position (reserved ones included), in ring order. */
  records(): RingbufRecord[] {
    const out: RingbufRecord[] = [];
    for (let p = this.consumerPos; p < this.producerPos;) {
      const r = this.recordAt(p);
      out.push(r);
      p += roundUp8(r.len + BPF_RINGBUF_HDR_SZ);
    }
    return out;
  }

  /**
   * User space reading the ring (libbpf's ring_buffer__consume): moves the consumer position past every
   * committed record up to the first reserved one; returns the samples read (discarded ones skipped).
   */
  consume(): RingbufRecord[] {
    const out: RingbufRecord[] = [];
    while (this.consumerPos < this.producerPos) {
      const r = this.recordAt(this.consumerPos);
      if (r.busy) break;
      this.consumerPos += roundUp8(r.len + BPF_RINGBUF_HDR_SZ);
      if (!r.discarded) out.push(r);
    }
    if (this.deliveredPos < this.consumerPos) this.deliveredPos = this.consumerPos;
    return out;
  }

  /** bpf_ringbuf_query */
  query(flags: bigint): bigint {
    switch (flags) {
      case BigInt(BPF_RB_AVAIL_DATA): return BigInt(this.producerPos - this.consumerPos);
      case BigInt(BPF_RB_RING_SIZE): return BigInt(this.size);
      case BigInt(BPF_RB_CONS_POS): return BigInt(this.consumerPos);
      case BigInt(BPF_RB_PROD_POS): return BigInt(this.producerPos);
      default: return 0n;
    }
  }

  // The map operations of the bpf() syscall are not supported on a ringbuf (ringbuf_map_lookup_elem etc.).
  lookup(): MapValueRef | null {
    return null;
  }
  update(): number {
    return -ENOTSUPP;
  }
  delete(): number {
    return -ENOTSUPP;
  }
  getNextKey(): Uint8Array | null {
    return null;
  }
  /** Not what bpftool shows (it cannot dump a ringbuf): the readable unconsumed records; see the module comment. */
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (const r of this.records()) {
      if (r.busy) break;
      if (r.discarded) continue;
      const key = new Uint8Array(8);
      new DataView(key.buffer).setBigUint64(0, BigInt(r.pos), false);
      out.push({ key, value: r.data });
    }
    return out;
  }
  snapshot(): unknown {
    const s: RingState = { area: this.valueArea.slice(), consumerPos: this.consumerPos, producerPos: this.producerPos, pendingPos: this.pendingPos, deliveredPos: this.deliveredPos, wakeups: this.wakeups };
    return s;
  }
  restore(snap: unknown): void {
    const s = snap as RingState;
    this.valueArea.set(s.area);
    this.consumerPos = s.consumerPos;
    this.producerPos = s.producerPos;
    this.pendingPos = s.pendingPos;
    this.deliveredPos = s.deliveredPos;
    this.wakeups = s.wakeups;
  }
}

/** ringbuf_map_alloc's checks. */
export function checkRingbufDef(def: MapDef): string | null {
  const what = `ringbuf map '${def.name}'`;
  if (def.keySize !== 0 || def.valueSize !== 0) return `${what} needs key_size 0 and value_size 0 (-EINVAL)`;
  if (def.flags & ~BPF_F_NUMA_NODE) return `${what}: map_flags 0x${def.flags.toString(16)} are not allowed (only BPF_F_NUMA_NODE) (-EINVAL)`;
  const n = def.maxEntries;
  if (n < PAGE_SIZE || (n & (n - 1)) !== 0 || n % PAGE_SIZE !== 0) return `${what}: max_entries ${n} must be a power of 2 and a multiple of the page size 4096 (-EINVAL)`;
  if (n > RINGBUF_MAX_SIM_SIZE) return `${what}: max_entries ${n} is more than bpfplay simulates (${RINGBUF_MAX_SIM_SIZE} bytes) (-E2BIG here; the kernel allows larger rings)`;
  return null;
}
registerMapType('ringbuf', (def) => {
  const e = checkRingbufDef(def);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset }, 'map.def') : new RingbufMap(def);
});

function ringArg(env: HelperEnv, r: bigint): { m: RingbufMap; index: number } | { fault: string } {
  const h = env.mapByAddr(r);
  if (!h) return { fault: `R1 = 0x${BigInt.asUintN(64, r).toString(16)} is not a map pointer` };
  if (!(h.impl instanceof RingbufMap)) return { fault: `map '${h.impl.def.name}' is a ${h.impl.def.type} map, not a ringbuf` };
  return { m: h.impl, index: h.index };
}

/** The ringbuf whose data holds the record at `addr` (the kernel finds it from the header's pg_off). */
function ringOfSample(env: HelperEnv, addr: bigint): { m: RingbufMap; index: number; off: number } | { fault: string } {
  const a = BigInt.asUintN(64, addr);
  for (let i = 0; ; i++) {
    const h = env.mapByAddr(env.mapPtrAddr(i));
    if (!h) break;
    if (!(h.impl instanceof RingbufMap)) continue;
    const base = env.mapValueAddr(i, 0);
    if (a >= base && a < base + BigInt(h.impl.valueArea.length)) {
      const off = Number(a - base);
      if (!h.impl.isReserved(off)) return { fault: `R1 = 0x${a.toString(16)} is not a reserved record of ringbuf '${h.impl.def.name}' (already submitted or discarded?)` };
      return { m: h.impl, index: i, off };
    }
  }
  return { fault: `R1 = 0x${a.toString(16)} is not a pointer returned by bpf_ringbuf_reserve` };
}

function emit(env: HelperEnv, m: RingbufMap, recs: RingbufRecord[]): void {
  for (const r of recs) env.output({ kind: 'ringbuf', map: m.def.name, data: r.data });
}

const NONE = new Uint8Array(0);

registerHelper({
  id: 130, name: 'ringbuf_output',
  call(env, r1, data, size, flags): HelperResult {
    const a = ringArg(env, r1);
    if ('fault' in a) return a;
    if (flags & ~BigInt(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) return errno(EINVAL);
    if (size > BigInt(RINGBUF_MAX_RECORD_SZ)) return errno(EAGAIN);
    const bytes = env.read(data, Number(size));
    if (typeof bytes === 'string') return { fault: bytes };
    env.mapWillChange(a.index, NONE);
    const off = a.m.reserve(bytes.length);
    if (off === null) return errno(EAGAIN);
    a.m.valueArea.set(bytes, off);
    emit(env, a.m, a.m.commit(off, Number(flags), false));
    return 0n;
  },
});

registerHelper({
  id: 131, name: 'ringbuf_reserve',
  call(env, r1, size, flags): HelperResult {
    const a = ringArg(env, r1);
    if ('fault' in a) return a;
    if (flags !== 0n || size > BigInt(RINGBUF_MAX_RECORD_SZ)) return 0n;
    env.mapWillChange(a.index, NONE);
    const off = a.m.reserve(Number(size));
    return off === null ? 0n : env.mapValueAddr(a.index, 0) + BigInt(off);
  },
});

for (const [id, name, discard] of [[132, 'ringbuf_submit', false], [133, 'ringbuf_discard', true]] as const)
  registerHelper({
    id, name,
    call(env, sample, flags): HelperResult {
      const s = ringOfSample(env, sample);
      if ('fault' in s) return s;
      env.mapWillChange(s.index, NONE);
      emit(env, s.m, s.m.commit(s.off, Number(flags & 0xffffffffn), discard));
      return 0n;
    },
  });

registerHelper({
  id: 134, name: 'ringbuf_query',
  call(env, r1, flags): HelperResult {
    const a = ringArg(env, r1);
    if ('fault' in a) return a;
    return a.m.query(flags);
  },
});

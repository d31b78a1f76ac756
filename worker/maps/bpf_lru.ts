// The kernel's approximate LRU (kernel/bpf/bpf_lru_list.c, Linux 6.18), node for node: which preallocated
// element an LRU hash map hands out for a new key, and which key it evicts to get one.
//
// Every element of the map is a node on exactly one list. An LRU list has three lists (ACTIVE, INACTIVE,
// FREE), the counts of the first two and a `next_inactive_rotation` cursor. Nodes carry a type, the CPU
// they belong to and a reference bit that a program's lookup sets (bpf_lru_node_set_ref).
// - Common LRU (the default): one global LRU list plus, per possible CPU, a local FREE list and a local
//   PENDING list. bpf_common_lru_pop_free takes the first node of the CPU's local free list; when that is
//   empty, bpf_lru_list_pop_free_to_local flushes the CPU's pending nodes into the global list (referenced
//   ones to ACTIVE, others to INACTIVE), rotates the global list (__bpf_lru_list_rotate: the active tail
//   moves to INACTIVE unless referenced, when INACTIVE is the smaller list; referenced INACTIVE nodes from the
//   rotation cursor move to ACTIVE), moves up to `target_free` = clamp(nr_elems / nr_cpus / 2, 1, 128)
//   free nodes to the local free list and, if short, shrinks the INACTIVE list from its tail: unreferenced
//   nodes are deleted from the hash table (evicted) in a batch of up to the shortfall, scanning at most
//   LOCAL_NR_SCANS (128); if none is found, one node is force-evicted from the tail of INACTIVE (else
//   ACTIVE) ignoring the reference bit. If that still yields nothing, nodes are stolen from the local free
//   or pending lists of every CPU in turn, starting at the CPU's `next_steal`. The node taken becomes the
//   head of the CPU's pending list.
// - Per-CPU LRU (BPF_F_NO_COMMON_LRU): one LRU list per CPU, the nodes split evenly between them at
//   creation; bpf_percpu_lru_pop_free rotates that CPU's list (nr_scans 4), shrinks it by up to 4 when its
//   free list is empty, and puts the node taken at the head of INACTIVE.
// bpf_lru_push_free (a delete, or the old element of a replacing update) returns a pending node to its
// CPU's local free list and any other node to the FREE list of its LRU list.
// Lists are intrusive doubly linked lists over node ids (heads are sentinel ids after the nodes), so every
// list_add/list_move/reverse walk happens in the kernel's order. Deterministic: the CPU is the caller's.
// Not modelled: locking failures (rqspinlock timeouts, NMI trylock), concurrent CPUs.

export const BPF_LRU_LIST_T_ACTIVE = 0;
export const BPF_LRU_LIST_T_INACTIVE = 1;
export const BPF_LRU_LIST_T_FREE = 2;
export const BPF_LRU_LOCAL_LIST_T_FREE = 3;
export const BPF_LRU_LOCAL_LIST_T_PENDING = 4;
const NR_LRU_LIST_COUNT = 2;
const isLocal = (t: number): boolean => t >= BPF_LRU_LOCAL_LIST_T_FREE;
export const LOCAL_FREE_TARGET = 128;
const LOCAL_NR_SCANS = LOCAL_FREE_TARGET;
export const PERCPU_FREE_TARGET = 4;
const PERCPU_NR_SCANS = PERCPU_FREE_TARGET;

/** struct bpf_lru_list: its list heads are sentinel ids; counts of ACTIVE and INACTIVE; the rotation cursor. */
interface LruList {
  heads: [number, number, number];
  counts: [number, number];
  nextInactiveRotation: number;
}

export interface BpfLruState {
  prev: Int32Array;
  next: Int32Array;
  type: Uint8Array;
  ref: Uint8Array;
  cpu: Int32Array;
  lists: LruList[];
  nextSteal: number[];
}

export class BpfLru {
  readonly nrScans: number;
  readonly targetFree: number;
  private prev: Int32Array;
  private next: Int32Array;
  readonly type: Uint8Array;
  readonly ref: Uint8Array;
  readonly cpu: Int32Array;
  /** Common: [global]; per-CPU: one per CPU. */
  private lists: LruList[];
  /** Common LRU: per CPU, the sentinels of its local free and pending lists, and next_steal. */
  private local: { free: number; pending: number }[];
  private nextSteal: number[];

  /**
   * `nodes` preallocated elements (node i is element i), `nrCpus` possible CPUs. `delFromHtab(node)` removes
   * the node's element from the hash table if it is there (htab_lru_map_delete_node) and says whether it was.
   */
  constructor(readonly nodes: number, readonly nrCpus: number, readonly percpu: boolean, private readonly delFromHtab: (node: number) => boolean) {
    const nLists = percpu ? nrCpus : 1;
    const sentinels = nLists * 3 + (percpu ? 0 : nrCpus * 2);
    const total = nodes + sentinels;
    this.prev = new Int32Array(total);
    this.next = new Int32Array(total);
    this.type = new Uint8Array(nodes);
    this.ref = new Uint8Array(nodes);
    this.cpu = new Int32Array(nodes);
    let s = nodes;
    const head = (): number => {
      const h = s++;
      this.prev[h] = h;
      this.next[h] = h;
      return h;
    };
    this.lists = [];
    for (let i = 0; i < nLists; i++) {
      const heads: [number, number, number] = [head(), head(), head()];
      this.lists.push({ heads, counts: [0, 0], nextInactiveRotation: heads[BPF_LRU_LIST_T_INACTIVE] });
    }
    this.local = [];
    this.nextSteal = [];
    if (!percpu)
      for (let c = 0; c < nrCpus; c++) {
        this.local.push({ free: head(), pending: head() });
        this.nextSteal.push(c);
      }
    if (percpu) {
      this.nrScans = PERCPU_NR_SCANS;
      this.targetFree = PERCPU_FREE_TARGET;
      // bpf_percpu_lru_populate: the first nodes/nrCpus nodes to CPU 0, the next to CPU 1, ...
      const per = Math.max(1, Math.floor(nodes / nrCpus));
      let i = 0;
      for (let c = 0; c < nrCpus && i < nodes; c++) {
        do {
          this.cpu[i] = c;
          this.type[i] = BPF_LRU_LIST_T_FREE;
          this.listAdd(i, this.lists[c]!.heads[BPF_LRU_LIST_T_FREE]);
          i++;
        } while (i < nodes && i % per !== 0);
      }
    } else {
      this.nrScans = LOCAL_NR_SCANS;
      // bpf_common_lru_populate
      for (let i = 0; i < nodes; i++) {
        this.type[i] = BPF_LRU_LIST_T_FREE;
        this.listAdd(i, this.lists[0]!.heads[BPF_LRU_LIST_T_FREE]);
      }
      this.targetFree = Math.min(LOCAL_FREE_TARGET, Math.max(1, Math.floor(Math.floor(nodes / nrCpus) / 2)));
    }
  }

  // ---- include/linux/list.h -------------------------------------------------------------------------
  private listDel(x: number): void {
    const p = this.prev[x]!, n = this.next[x]!;
    this.next[p] = n;
    this.prev[n] = p;
  }
  private listAdd(x: number, head: number): void {
    const n = this.next[head]!;
    this.next[head] = x;
    this.prev[x] = head;
    this.next[x] = n;
    this.prev[n] = x;
  }
  private listMove(x: number, head: number): void {
    this.listDel(x);
    this.listAdd(x, head);
  }
  private empty(head: number): boolean {
    return this.next[head] === head;
  }

  // ---- the list primitives of bpf_lru_list.c -----------------------------------------------------------
  private countInc(l: LruList, t: number): void {
    if (t < NR_LRU_LIST_COUNT) l.counts[t as 0 | 1]++;
  }
  private countDec(l: LruList, t: number): void {
    if (t < NR_LRU_LIST_COUNT) l.counts[t as 0 | 1]--;
  }
  private moveToFree(l: LruList, node: number, freeList: number, tgt: number): void {
    if (isLocal(this.type[node]!)) return;
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = this.prev[l.nextInactiveRotation]!;
    this.countDec(l, this.type[node]!);
    this.type[node] = tgt;
    this.listMove(node, freeList);
  }
  private moveIn(l: LruList, node: number, tgt: number): void {
    if (!isLocal(this.type[node]!) || isLocal(tgt)) return;
    this.countInc(l, tgt);
    this.type[node] = tgt;
    this.ref[node] = 0;
    this.listMove(node, l.heads[tgt as 0 | 1 | 2]);
  }
  private move(l: LruList, node: number, tgt: number): void {
    if (isLocal(this.type[node]!) || isLocal(tgt)) return;
    if (this.type[node] !== tgt) {
      this.countDec(l, this.type[node]!);
      this.countInc(l, tgt);
      this.type[node] = tgt;
    }
    this.ref[node] = 0;
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = this.prev[l.nextInactiveRotation]!;
    this.listMove(node, l.heads[tgt as 0 | 1 | 2]);
  }
  private rotateActive(l: LruList): void {
    const active = l.heads[BPF_LRU_LIST_T_ACTIVE];
    const first = this.next[active]!;
    let i = 0;
    for (let node = this.prev[active]!, tmp = this.prev[node]!; node !== active; node = tmp, tmp = this.prev[node]!) {
      this.move(l, node, this.ref[node] ? BPF_LRU_LIST_T_ACTIVE : BPF_LRU_LIST_T_INACTIVE);
      if (++i === this.nrScans || node === first) break;
    }
  }
  private rotateInactive(l: LruList): void {
    const inactive = l.heads[BPF_LRU_LIST_T_INACTIVE];
    if (this.empty(inactive)) return;
    let last = this.next[l.nextInactiveRotation]!;
    if (last === inactive) last = this.next[last]!;
    let cur = l.nextInactiveRotation;
    let next = cur;
    let i = 0;
    while (i < this.nrScans) {
      if (cur === inactive) {
        cur = this.prev[cur]!;
        continue;
      }
      next = this.prev[cur]!;
      if (this.ref[cur]) this.move(l, cur, BPF_LRU_LIST_T_ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    l.nextInactiveRotation = next;
  }
  private shrinkInactive(l: LruList, tgt: number, freeList: number, freeType: number): number {
    const inactive = l.heads[BPF_LRU_LIST_T_INACTIVE];
    let n = 0;
    let i = 0;
    for (let node = this.prev[inactive]!, tmp = this.prev[node]!; node !== inactive; node = tmp, tmp = this.prev[node]!) {
      if (this.ref[node]) this.move(l, node, BPF_LRU_LIST_T_ACTIVE);
      else if (this.delFromHtab(node)) {
        this.moveToFree(l, node, freeList, freeType);
        if (++n === tgt) break;
      }
      if (++i === this.nrScans) break;
    }
    return n;
  }
  private rotate(l: LruList): void {
    if (l.counts[BPF_LRU_LIST_T_INACTIVE] < l.counts[BPF_LRU_LIST_T_ACTIVE]) this.rotateActive(l);
    this.rotateInactive(l);
  }
  private shrink(l: LruList, tgt: number, freeList: number, freeType: number): number {
    const n = this.shrinkInactive(l, tgt, freeList, freeType);
    if (n) return n;
    const inactive = l.heads[BPF_LRU_LIST_T_INACTIVE];
    const force = !this.empty(inactive) ? inactive : l.heads[BPF_LRU_LIST_T_ACTIVE];
    for (let node = this.prev[force]!, tmp = this.prev[node]!; node !== force; node = tmp, tmp = this.prev[node]!) {
      if (this.delFromHtab(node)) {
        this.moveToFree(l, node, freeList, freeType);
        return 1;
      }
    }
    return 0;
  }
  private flushLocal(l: LruList, cpu: number): void {
    const pending = this.local[cpu]!.pending;
    for (let node = this.prev[pending]!, tmp = this.prev[node]!; node !== pending; node = tmp, tmp = this.prev[node]!)
      this.moveIn(l, node, this.ref[node] ? BPF_LRU_LIST_T_ACTIVE : BPF_LRU_LIST_T_INACTIVE);
  }
  private popFreeToLocal(cpu: number): void {
    const l = this.lists[0]!;
    const loc = this.local[cpu]!;
    this.flushLocal(l, cpu);
    this.rotate(l);
    let nfree = 0;
    const free = l.heads[BPF_LRU_LIST_T_FREE];
    for (let node = this.next[free]!, tmp = this.next[node]!; node !== free; node = tmp, tmp = this.next[node]!) {
      this.moveToFree(l, node, loc.free, BPF_LRU_LOCAL_LIST_T_FREE);
      if (++nfree === this.targetFree) break;
    }
    if (nfree < this.targetFree) this.shrink(l, this.targetFree - nfree, loc.free, BPF_LRU_LOCAL_LIST_T_FREE);
  }
  private addPending(cpu: number, node: number): void {
    this.cpu[node] = cpu;
    this.type[node] = BPF_LRU_LOCAL_LIST_T_PENDING;
    this.ref[node] = 0;
    this.listAdd(node, this.local[cpu]!.pending);
  }
  private popLocalFree(cpu: number): number {
    const h = this.local[cpu]!.free;
    if (this.empty(h)) return -1;
    const node = this.next[h]!;
    this.listDel(node);
    return node;
  }
  private popLocalPending(cpu: number): number {
    const h = this.local[cpu]!.pending;
    for (const force of [false, true])
      for (let node = this.prev[h]!; node !== h; node = this.prev[node]!) {
        if ((!this.ref[node] || force) && this.delFromHtab(node)) {
          this.listDel(node);
          return node;
        }
      }
    return -1;
  }

  /** bpf_lru_pop_free: a node for a new element on `cpu` (evicting as the kernel would), or -1 (-ENOMEM). */
  popFree(cpu: number): number {
    cpu = Math.min(Math.max(0, cpu), this.nrCpus - 1);
    if (this.percpu) {
      const l = this.lists[cpu]!;
      this.rotate(l);
      const free = l.heads[BPF_LRU_LIST_T_FREE];
      if (this.empty(free)) this.shrink(l, PERCPU_FREE_TARGET, free, BPF_LRU_LIST_T_FREE);
      if (this.empty(free)) return -1;
      const node = this.next[free]!;
      this.ref[node] = 0;
      this.move(l, node, BPF_LRU_LIST_T_INACTIVE);
      return node;
    }
    let node = this.popLocalFree(cpu);
    if (node < 0) {
      this.popFreeToLocal(cpu);
      node = this.popLocalFree(cpu);
    }
    if (node >= 0) {
      this.addPending(cpu, node);
      return node;
    }
    const first = this.nextSteal[cpu]!;
    let steal = first;
    do {
      node = this.popLocalFree(steal);
      if (node < 0) node = this.popLocalPending(steal);
      steal = (steal + 1) % this.nrCpus;
    } while (node < 0 && steal !== first);
    this.nextSteal[cpu] = steal;
    if (node >= 0) this.addPending(cpu, node);
    return node;
  }

  /** bpf_lru_push_free: gives a node back (its element was deleted or replaced). */
  pushFree(node: number): void {
    const t = this.type[node]!;
    if (t === BPF_LRU_LIST_T_FREE || t === BPF_LRU_LOCAL_LIST_T_FREE) return;
    if (this.percpu) {
      const l = this.lists[this.cpu[node]!]!;
      this.move(l, node, BPF_LRU_LIST_T_FREE);
      return;
    }
    if (t === BPF_LRU_LOCAL_LIST_T_PENDING) {
      this.type[node] = BPF_LRU_LOCAL_LIST_T_FREE;
      this.ref[node] = 0;
      this.listMove(node, this.local[this.cpu[node]!]!.free);
      return;
    }
    this.move(this.lists[0]!, node, BPF_LRU_LIST_T_FREE);
  }

  /** bpf_lru_node_set_ref */
  setRef(node: number): void {
    this.ref[node] = 1;
  }

  /** The nodes of one list, head first (for tests and the UI). `cpu` picks a per-CPU or local list. */
  listNodes(type: number, cpu = 0): number[] {
    const head = isLocal(type)
      ? (type === BPF_LRU_LOCAL_LIST_T_FREE ? this.local[cpu]!.free : this.local[cpu]!.pending)
      : this.lists[this.percpu ? cpu : 0]!.heads[type as 0 | 1 | 2];
    const out: number[] = [];
    for (let n = this.next[head]!; n !== head; n = this.next[n]!) out.push(n);
    return out;
  }

  snapshot(): BpfLruState {
    return {
      prev: this.prev.slice(), next: this.next.slice(), type: this.type.slice(), ref: this.ref.slice(), cpu: this.cpu.slice(),
      lists: this.lists.map((l) => ({ heads: [...l.heads], counts: [...l.counts], nextInactiveRotation: l.nextInactiveRotation })), nextSteal: this.nextSteal.slice(),
    };
  }
  restore(s: BpfLruState): void {
    this.prev.set(s.prev);
    this.next.set(s.next);
    this.type.set(s.type);
    this.ref.set(s.ref);
    this.cpu.set(s.cpu);
    this.lists = s.lists.map((l) => ({ heads: [...l.heads], counts: [...l.counts], nextInactiveRotation: l.nextInactiveRotation }));
    this.nextSteal = s.nextSteal.slice();
  }
}

// Helper prototypes as the verifier sees them: for every helper of Linux 6.18 (enum bpf_func_id), the
// argument types (enum bpf_arg_type with its flags: PTR_MAYBE_NULL, MEM_RDONLY, MEM_UNINIT, MEM_WRITE,
// MEM_FIXED_SIZE + arg_size, MEM_ALIGNED, OBJ_RELEASE, DYNPTR_TYPE_*), the return type (enum
// bpf_return_type), gpl_only, pkt_access, whether it changes packet data (bpf_helper_changes_pkt_data),
// acquire/release behaviour, which map types it accepts (check_map_func_compatibility) and a one-line doc.
// Facts come from the kernel's `struct bpf_func_proto` instances (kernel/bpf/helpers.c, net/core/filter.c,
// kernel/trace/bpf_trace.c, kernel/bpf/ringbuf.c, kernel/bpf/stackmap.c, net/core/sock_map.c,
// net/core/bpf_sk_storage.c, kernel/bpf/bpf_task_storage.c …) and from probing the running kernel
// (scripts/record-helper-protos.ts); the words are our own.
// Shared by the verifier (check_helper_call / check_func_arg), the UI (hovers, completion) and the
// program-type table. It does not say which program types may call a helper (worker/progtypes/table.ts
// does, from the kernel's get_func_proto) and runs nothing.
//
// Kernel objects bpfplay does not model (task_struct, cgroup, pt_regs, tcp6_sock, per-CPU kernel
// variables …) appear as RET_PTR_TO_BTF_ID* / ARG_PTR_TO_BTF_ID*: bpfplay treats such a pointer as
// opaque — it can be null-checked and passed back to a helper that takes that object, never dereferenced.

import { HELPER_NAMES } from './ids.generated';

/** Base argument types (enum bpf_arg_type without flags). */
export type ArgBase =
  | 'ARG_ANYTHING'
  | 'ARG_CONST_MAP_PTR'
  | 'ARG_PTR_TO_MAP_KEY'
  | 'ARG_PTR_TO_MAP_VALUE'
  | 'ARG_PTR_TO_MEM'
  | 'ARG_CONST_SIZE'
  | 'ARG_CONST_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_CTX'
  | 'ARG_PTR_TO_SOCK_COMMON'
  | 'ARG_PTR_TO_BTF_ID_SOCK_COMMON'
  | 'ARG_PTR_TO_SOCKET'
  | 'ARG_PTR_TO_BTF_ID'
  | 'ARG_PTR_TO_RINGBUF_MEM'
  | 'ARG_CONST_ALLOC_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_PERCPU_BTF_ID'
  | 'ARG_PTR_TO_FUNC'
  | 'ARG_PTR_TO_STACK'
  | 'ARG_PTR_TO_CONST_STR'
  | 'ARG_PTR_TO_TIMER'
  | 'ARG_KPTR_XCHG_DEST'
  | 'ARG_PTR_TO_DYNPTR'
  | 'ARG_PTR_TO_SPIN_LOCK';

/** One argument, decoded from the kernel's spelling (`ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY`). */
export interface ArgSpec {
  base: ArgBase;
  /** PTR_MAYBE_NULL: a constant 0 is accepted instead of a pointer. */
  maybeNull: boolean;
  /** MEM_RDONLY: the helper only reads the memory. */
  rdonly: boolean;
  /** MEM_UNINIT: the memory need not be initialised (the helper fills it). */
  uninit: boolean;
  /** MEM_WRITE: the helper writes the memory. */
  write: boolean;
  /** MEM_FIXED_SIZE: bytes the helper accesses (arg_size), 0 when a size argument follows. */
  fixedSize: number;
  /** MEM_ALIGNED: the pointer must be aligned to fixedSize. */
  aligned: boolean;
  /** OBJ_RELEASE: the helper releases the reference the argument holds. */
  release: boolean;
  /** ARG_PTR_TO_BTF_ID*: the kernel object type (arg_btf_id), for messages and compatibility. */
  btf: string;
  /** ARG_PTR_TO_DYNPTR: DYNPTR_TYPE_LOCAL or DYNPTR_TYPE_RINGBUF, '' for any initialised dynptr. */
  dynptr: '' | 'local' | 'ringbuf';
}

/** Base return types (enum bpf_return_type without flags). */
export type RetBase =
  | 'RET_INTEGER'
  | 'RET_VOID'
  | 'RET_PTR_TO_MAP_VALUE'
  | 'RET_PTR_TO_SOCKET'
  | 'RET_PTR_TO_TCP_SOCK'
  | 'RET_PTR_TO_SOCK_COMMON'
  | 'RET_PTR_TO_MEM'
  | 'RET_PTR_TO_MEM_OR_BTF_ID'
  | 'RET_PTR_TO_BTF_ID';

export interface RetSpec {
  base: RetBase;
  maybeNull: boolean;
  /** MEM_RINGBUF (ringbuf_reserve). */
  ringbuf: boolean;
  /** MEM_RDONLY. */
  rdonly: boolean;
  /** PTR_TRUSTED (RET_PTR_TO_BTF_ID_TRUSTED). */
  trusted: boolean;
  /** DYNPTR_TYPE_*: memory of a dynptr (bpf_dynptr_data). */
  dynptrMem: boolean;
  /** ret_btf_id: the kernel object type of a RET_PTR_TO_BTF_ID* result. */
  btf: string;
}

export interface HelperProto {
  id: number;
  /** Name without the bpf_ prefix (HELPER_NAMES[id]). */
  name: string;
  /** Argument types in the kernel's spelling, R1 first (shown in hovers). */
  args: readonly string[];
  /** The same arguments decoded. */
  argSpecs: readonly ArgSpec[];
  /** Return type in the kernel's spelling. */
  ret: string;
  retSpec: RetSpec;
  gplOnly: boolean;
  /** pkt_access: packet pointers may be passed as memory arguments. */
  pktAccess: boolean;
  /** bpf_helper_changes_pkt_data: every packet pointer is invalid after the call. */
  changesPktData: boolean;
  /** The result is a reference the program must release (is_acquire_function). */
  acquire: boolean;
  /** The result shares the argument's reference (is_ptr_cast_function). */
  ptrCast: boolean;
  /** Argument index (0-based) that must be a map, and which map types it accepts (func -> map direction of check_map_func_compatibility). */
  mapArg?: { arg: number; types: readonly string[] };
  doc: string;
}

// ---------------- spelling ----------------

const MACROS: Record<string, string> = {
  ARG_PTR_TO_MAP_VALUE_OR_NULL: 'ARG_PTR_TO_MAP_VALUE | PTR_MAYBE_NULL',
  ARG_PTR_TO_MEM_OR_NULL: 'ARG_PTR_TO_MEM | PTR_MAYBE_NULL',
  ARG_PTR_TO_CTX_OR_NULL: 'ARG_PTR_TO_CTX | PTR_MAYBE_NULL',
  ARG_PTR_TO_SOCKET_OR_NULL: 'ARG_PTR_TO_SOCKET | PTR_MAYBE_NULL',
  ARG_PTR_TO_STACK_OR_NULL: 'ARG_PTR_TO_STACK | PTR_MAYBE_NULL',
  ARG_PTR_TO_BTF_ID_OR_NULL: 'ARG_PTR_TO_BTF_ID | PTR_MAYBE_NULL',
  ARG_PTR_TO_UNINIT_MEM: 'ARG_PTR_TO_MEM | MEM_UNINIT | MEM_WRITE',
  ARG_PTR_TO_FIXED_SIZE_MEM: 'ARG_PTR_TO_MEM | MEM_FIXED_SIZE',
};

/** Decodes `ARG_PTR_TO_MEM | MEM_RDONLY` (plus the arg_size / arg_btf_id the proto gives). */
export function parseArg(text: string, size = 0, btf = ''): ArgSpec {
  const parts = text.split('|').map((s) => s.trim()).flatMap((p) => (MACROS[p] ?? p).split('|').map((s) => s.trim()));
  const spec: ArgSpec = { base: parts[0] as ArgBase, maybeNull: false, rdonly: false, uninit: false, write: false, fixedSize: 0, aligned: false, release: false, btf, dynptr: '' };
  for (const f of parts.slice(1)) {
    if (f === 'PTR_MAYBE_NULL') spec.maybeNull = true;
    else if (f === 'MEM_RDONLY') spec.rdonly = true;
    else if (f === 'MEM_UNINIT') spec.uninit = true;
    else if (f === 'MEM_WRITE') spec.write = true;
    else if (f === 'MEM_FIXED_SIZE') spec.fixedSize = size;
    else if (f === 'MEM_ALIGNED') spec.aligned = true;
    else if (f === 'OBJ_RELEASE') spec.release = true;
    else if (f === 'DYNPTR_TYPE_LOCAL') spec.dynptr = 'local';
    else if (f === 'DYNPTR_TYPE_RINGBUF') spec.dynptr = 'ringbuf';
  }
  return spec;
}

const RET_MACROS: Record<string, string> = {
  RET_PTR_TO_MAP_VALUE_OR_NULL: 'RET_PTR_TO_MAP_VALUE | PTR_MAYBE_NULL',
  RET_PTR_TO_SOCKET_OR_NULL: 'RET_PTR_TO_SOCKET | PTR_MAYBE_NULL',
  RET_PTR_TO_TCP_SOCK_OR_NULL: 'RET_PTR_TO_TCP_SOCK | PTR_MAYBE_NULL',
  RET_PTR_TO_SOCK_COMMON_OR_NULL: 'RET_PTR_TO_SOCK_COMMON | PTR_MAYBE_NULL',
  RET_PTR_TO_RINGBUF_MEM_OR_NULL: 'RET_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RINGBUF',
  RET_PTR_TO_DYNPTR_MEM_OR_NULL: 'RET_PTR_TO_MEM | PTR_MAYBE_NULL | DYNPTR_TYPE_LOCAL',
  RET_PTR_TO_BTF_ID_OR_NULL: 'RET_PTR_TO_BTF_ID | PTR_MAYBE_NULL',
  RET_PTR_TO_BTF_ID_TRUSTED: 'RET_PTR_TO_BTF_ID | PTR_TRUSTED',
};

export function parseRet(text: string, btf = ''): RetSpec {
  const parts = text.split('|').map((s) => s.trim()).flatMap((p) => (RET_MACROS[p] ?? p).split('|').map((s) => s.trim()));
  const r: RetSpec = { base: parts[0] as RetBase, maybeNull: false, ringbuf: false, rdonly: false, trusted: false, dynptrMem: false, btf };
  for (const f of parts.slice(1)) {
    if (f === 'PTR_MAYBE_NULL') r.maybeNull = true;
    else if (f === 'MEM_RINGBUF') r.ringbuf = true;
    else if (f === 'MEM_RDONLY') r.rdonly = true;
    else if (f === 'PTR_TRUSTED') r.trusted = true;
    else if (f.startsWith('DYNPTR_TYPE_')) r.dynptrMem = true;
  }
  return r;
}

// ---------------- the table ----------------

interface Row {
  id: number;
  args: readonly string[];
  ret?: string;
  gpl?: boolean;
  pkt?: boolean;
  /** MEM_FIXED_SIZE sizes by argument index. */
  size?: Record<number, number>;
  /** arg_btf_id object names by argument index, and ret_btf_id under -1. */
  btf?: Record<number, string>;
  acquire?: boolean;
  cast?: boolean;
  map?: readonly string[];
  doc: string;
}

const A = 'ARG_ANYTHING';
const CTX = 'ARG_PTR_TO_CTX';
const MAP = 'ARG_CONST_MAP_PTR';
const KEY = 'ARG_PTR_TO_MAP_KEY';
const VAL = 'ARG_PTR_TO_MAP_VALUE';
const RO = 'ARG_PTR_TO_MEM | MEM_RDONLY';
const RO_NULL = 'ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY';
const UNINIT = 'ARG_PTR_TO_UNINIT_MEM';
const MEM = 'ARG_PTR_TO_MEM | MEM_WRITE';
const MEM_NULL = 'ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_WRITE';
const SIZE = 'ARG_CONST_SIZE';
const SIZE0 = 'ARG_CONST_SIZE_OR_ZERO';
const SOCKC = 'ARG_PTR_TO_SOCK_COMMON';
const BTF_SOCKC = 'ARG_PTR_TO_BTF_ID_SOCK_COMMON';
const FUNC = 'ARG_PTR_TO_FUNC';
const STACK_NULL = 'ARG_PTR_TO_STACK_OR_NULL';
const TIMER = 'ARG_PTR_TO_TIMER';
const FIXED_OUT = 'ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT | MEM_WRITE | MEM_ALIGNED';
const INT = 'RET_INTEGER';

const PERF = ['perf_event_array'];
const RINGBUF = ['ringbuf'];
const SKC_CAST = (id: number, obj: string, what: string): Row => ({
  id, args: [BTF_SOCKC], ret: 'RET_PTR_TO_BTF_ID_OR_NULL', btf: { [-1]: obj }, doc: `Cast a socket pointer to ${what} (struct ${obj}), or NULL when it is another kind of socket.`,
});

const ROWS: readonly Row[] = [
  { id: 1, args: [MAP, KEY], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', pkt: true, doc: 'Look up the element for key in a map; returns a pointer to its value or NULL.' },
  { id: 2, args: [MAP, KEY, VAL, A], pkt: true, doc: 'Create or update the element for key with a value; flags BPF_ANY, BPF_NOEXIST or BPF_EXIST.' },
  { id: 3, args: [MAP, KEY], pkt: true, doc: 'Delete the element for key from a map.' },
  { id: 4, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Legacy: copy size bytes from an unsafe kernel or user address into a buffer (use probe_read_kernel/user).' },
  { id: 5, args: [], doc: 'Nanoseconds since boot, not counting suspend (CLOCK_MONOTONIC).' },
  { id: 6, args: [RO, SIZE], gpl: true, doc: 'Debug output in printk style to the trace pipe; a format string plus up to three values in R3-R5.' },
  { id: 7, args: [], doc: 'A pseudo-random 32-bit number (not for cryptography).' },
  { id: 8, args: [], doc: 'The id of the CPU the program is running on.' },
  { id: 9, args: [CTX, A, RO, SIZE, A], doc: 'Write bytes from a buffer into the packet at an offset; flags can recompute the checksum or invalidate the hash.' },
  { id: 10, args: [CTX, A, A, A, A], doc: 'Patch an L3 (IP header) checksum in the packet for a changed 2- or 4-byte field (from, to, size).' },
  { id: 11, args: [CTX, A, A, A, A], doc: 'Patch an L4 (TCP/UDP) checksum in the packet for a changed field; flags mark pseudo-header fields.' },
  { id: 12, args: [CTX, MAP, A], ret: 'RET_VOID', map: ['prog_array'], doc: 'Jump to the program at an index of a prog_array map; on success it never returns, on failure execution continues.' },
  { id: 13, args: [CTX, A, A], doc: 'Clone the packet and send the clone out (or in, with BPF_F_INGRESS) through the device ifindex.' },
  { id: 14, args: [], doc: 'The current task as tgid << 32 | pid (process id in the upper half, thread id in the lower).' },
  { id: 15, args: [], doc: 'The current task as gid << 32 | uid.' },
  { id: 16, args: [UNINIT, SIZE], doc: "Copy the current task's command name (comm, NUL-terminated) into a buffer." },
  { id: 17, args: [], doc: "The net_cls cgroup classid of the current task (for skb programs: of the packet's socket), or 0." },
  { id: 18, args: [CTX, A, A], doc: 'Push a VLAN tag (protocol, vlan_tci) onto the packet.' },
  { id: 19, args: [CTX], doc: 'Pop the outermost VLAN tag from the packet.' },
  { id: 20, args: [CTX, UNINIT, SIZE, A], doc: "Read the packet's tunnel metadata (struct bpf_tunnel_key) into a buffer." },
  { id: 21, args: [CTX, RO, SIZE, A], doc: 'Attach tunnel metadata (struct bpf_tunnel_key) to the packet for a collect-metadata tunnel device.' },
  { id: 22, args: [MAP, A], gpl: true, map: PERF, doc: 'Read the counter of the perf event stored at an index of a perf_event_array (prefer perf_event_read_value).' },
  { id: 23, args: [A, A], doc: 'Redirect the packet to the device ifindex (egress, or ingress with BPF_F_INGRESS); returns the verdict to use.' },
  { id: 24, args: [CTX], doc: "The routing realm of the packet's destination entry, or 0." },
  { id: 25, args: [CTX, MAP, A, RO, SIZE0], gpl: true, map: PERF, doc: 'Send a record (a buffer) to user space through a perf_event_array ring on the current CPU.' },
  { id: 26, args: [CTX, A, UNINIT, SIZE], doc: 'Copy bytes from the packet at an offset into a buffer (works past the linear part).' },
  { id: 27, args: [CTX, MAP, A], gpl: true, map: ['stack_trace'], doc: 'Walk the kernel or user stack, store it in a stack_trace map and return its id.' },
  { id: 28, args: [RO_NULL, SIZE0, RO_NULL, SIZE0, A], pkt: true, doc: 'Checksum difference between two buffers (from, to) added to a seed; for incremental checksum updates.' },
  { id: 29, args: [CTX, UNINIT, SIZE], doc: "Read the packet's tunnel option data into a buffer." },
  { id: 30, args: [CTX, RO, SIZE], doc: 'Set tunnel option data for the packet from a buffer.' },
  { id: 31, args: [CTX, A, A], doc: 'Switch the packet between IPv4 and IPv6 (protocol), resizing the room for the header.' },
  { id: 32, args: [CTX, A], doc: 'Change skb->pkt_type (PACKET_HOST, PACKET_BROADCAST, …).' },
  { id: 33, args: [CTX, MAP, A], map: ['cgroup_array'], doc: 'Whether the packet belongs to the cgroup at an index of a cgroup_array map (1, 0, or a negative error).' },
  { id: 34, args: [CTX], doc: 'The packet hash (skb->hash), computed now if it is not valid.' },
  { id: 35, args: [], gpl: true, doc: 'Address of the current task_struct, as a number (read it with probe_read_kernel).' },
  { id: 36, args: [A, RO, SIZE], gpl: true, doc: 'Write a buffer into the current process at a user address (debugging only; taints the kernel log).' },
  { id: 37, args: [MAP, A], map: ['cgroup_array'], doc: 'Whether the current task is in the cgroup (or a descendant) at an index of a cgroup_array map.' },
  { id: 38, args: [CTX, A, A], doc: 'Grow or trim the packet to a new length.' },
  { id: 39, args: [CTX, A], doc: 'Make the first len bytes of the packet linear so direct packet access can reach them.' },
  { id: 40, args: [CTX, A], doc: 'Add a checksum difference (from csum_diff) to skb->csum for CHECKSUM_COMPLETE packets.' },
  { id: 41, args: [CTX], doc: 'Mark the packet hash invalid so the stack recomputes it.' },
  { id: 42, args: [], doc: 'The NUMA node the program is running on.' },
  { id: 43, args: [CTX, A, A], doc: 'Grow headroom by len bytes at the front of the packet (for L3 programs adding an L2 header).' },
  { id: 44, args: [CTX, A], doc: 'Move xdp_md->data by delta bytes: a negative delta adds headroom, a positive one strips bytes.' },
  { id: 45, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Legacy: copy a NUL-terminated string from an unsafe address; returns its length with the NUL.' },
  { id: 46, args: [CTX], doc: "The socket cookie of the context's socket: a unique 64-bit id, 0 when there is none." },
  { id: 47, args: [CTX], doc: "The owner UID of the packet's socket (overflowuid when it has no full socket)." },
  { id: 48, args: [CTX, A], doc: 'Set skb->hash to a value.' },
  { id: 49, args: [CTX, A, A, RO, SIZE], doc: 'Call setsockopt() on the socket of the context (level, optname, optval buffer, optlen).' },
  { id: 50, args: [CTX, A, A, A], doc: 'Grow or shrink the room between the L2 and L3 headers (or at the MAC) by len_diff bytes, for encapsulation.' },
  { id: 51, args: [MAP, A, A], map: ['devmap', 'devmap_hash', 'cpumap', 'xskmap'], doc: 'Redirect the XDP frame to the device, CPU or AF_XDP socket at a key of a devmap, cpumap or xskmap; the lower flag bits are the verdict when the key is missing.' },
  { id: 52, args: [CTX, MAP, A, A], map: ['sockmap'], doc: 'Redirect the packet to the socket at an index of a sockmap.' },
  { id: 53, args: [CTX, MAP, KEY, A], map: ['sockmap'], doc: "Add the context's socket to a sockmap at key." },
  { id: 54, args: [CTX, A], doc: 'Move xdp_md->data_meta by delta bytes to make room for metadata before the packet.' },
  { id: 55, args: [MAP, A, UNINIT, SIZE], gpl: true, map: PERF, doc: 'Read a perf event counter with its enabled and running times into a struct bpf_perf_event_value.' },
  { id: 56, args: [CTX, UNINIT, SIZE], gpl: true, doc: "Read the counter of the perf event the program is attached to, with enabled and running times." },
  { id: 57, args: [CTX, A, A, UNINIT, SIZE], doc: 'Call getsockopt() on the socket of the context, into a buffer.' },
  { id: 58, args: [CTX, A], gpl: true, doc: 'From a kprobe on an error-injectable function: skip the function and make it return rc.' },
  { id: 59, args: [CTX, A], doc: 'Set which sock_ops callbacks (BPF_SOCK_OPS_*_CB_FLAG) the socket triggers.' },
  { id: 60, args: [CTX, MAP, A, A], map: ['sockmap'], doc: 'Redirect a sk_msg to the socket at an index of a sockmap.' },
  { id: 61, args: [CTX, A], doc: 'Apply the sk_msg verdict to the next bytes bytes instead of the whole message.' },
  { id: 62, args: [CTX, A], doc: 'Hold back sk_msg data until bytes bytes have been gathered.' },
  { id: 63, args: [CTX, A, A, A], doc: 'Make bytes start..end of a sk_msg directly readable (may copy).' },
  { id: 64, args: [CTX, RO, SIZE], doc: 'Call bind() on the socket of a connect hook to a local address.' },
  { id: 65, args: [CTX, A], doc: 'Move the end of the XDP frame by delta bytes (negative shrinks).' },
  { id: 66, args: [CTX, A, UNINIT, SIZE, A], doc: 'Read the XFRM (IPsec) state at an index of the packet into a struct bpf_xfrm_state.' },
  { id: 67, args: [CTX, UNINIT, SIZE0, A], gpl: true, doc: 'Copy the kernel or user stack (return addresses) into a buffer; returns the bytes written.' },
  { id: 68, args: [CTX, A, UNINIT, SIZE, A], doc: 'Copy packet bytes into a buffer, the offset counted from the MAC or network header.' },
  { id: 69, args: [CTX, MEM, SIZE, A], gpl: true, doc: 'Look up the kernel FIB (routing and neighbour tables) for a struct bpf_fib_lookup; fills in next hop and MACs.' },
  { id: 70, args: [CTX, MAP, KEY, A], map: ['sockhash'], doc: "Add the context's socket to a sockhash at key." },
  { id: 71, args: [CTX, MAP, KEY, A], map: ['sockhash'], doc: 'Redirect a sk_msg to the socket at a key of a sockhash.' },
  { id: 72, args: [CTX, MAP, KEY, A], map: ['sockhash'], doc: 'Redirect the packet to the socket at a key of a sockhash.' },
  { id: 73, args: [CTX, A, RO, SIZE], doc: 'Push an encapsulation header (IP or SRH) from a buffer in front of the packet.' },
  { id: 74, args: [CTX, A, RO, SIZE], doc: 'Write into the editable fields of the packet\'s IPv6 Segment Routing Header.' },
  { id: 75, args: [CTX, A, A], doc: "Grow or shrink the TLV area of the packet's Segment Routing Header." },
  { id: 76, args: [CTX, A, RO, SIZE], doc: 'Apply an IPv6 Segment Routing action (End.X, End.T, End.B6 …) to the packet.' },
  { id: 77, args: [CTX], gpl: true, doc: 'Report that the last decoded IR key is repeated (lirc mode2 programs).' },
  { id: 78, args: [CTX, A, A, A], gpl: true, doc: 'Report a decoded IR scancode with protocol and toggle to the input subsystem.' },
  { id: 79, args: [CTX], doc: "The cgroup v2 id of the packet's socket." },
  { id: 80, args: [], doc: 'The cgroup v2 id of the current task.' },
  { id: 81, args: [MAP, A], ret: 'RET_PTR_TO_MAP_VALUE', map: ['cgroup_storage', 'percpu_cgroup_storage'], doc: "Pointer to this cgroup's storage in a cgroup_storage map (never NULL)." },
  { id: 82, args: [CTX, MAP, KEY, A], map: ['reuseport_sockarray', 'sockmap', 'sockhash'], doc: 'Pick the socket at a key of a reuseport map to receive the packet (sk_reuseport programs).' },
  { id: 83, args: [CTX, A], doc: "The cgroup v2 id of the ancestor, at a level, of the packet's socket's cgroup." },
  { id: 84, args: [CTX, RO, SIZE0, A, A], ret: 'RET_PTR_TO_SOCKET_OR_NULL', pkt: true, acquire: true, doc: 'Find a full TCP socket for a tuple (struct bpf_sock_tuple) in a netns; release the result with sk_release.' },
  { id: 85, args: [CTX, RO, SIZE0, A, A], ret: 'RET_PTR_TO_SOCKET_OR_NULL', pkt: true, acquire: true, doc: 'Find a UDP socket for a tuple in a netns; release the result with sk_release.' },
  { id: 86, args: [`${BTF_SOCKC} | OBJ_RELEASE`], doc: 'Release a socket reference obtained from sk_lookup_tcp, sk_lookup_udp or skc_lookup_tcp.' },
  { id: 87, args: [MAP, VAL, A], pkt: true, map: ['queue', 'stack', 'bloom_filter'], doc: 'Push a value onto a queue or stack map (BPF_EXIST drops the oldest when full), or add it to a bloom filter.' },
  { id: 88, args: [MAP, `${VAL} | MEM_UNINIT | MEM_WRITE`], pkt: true, map: ['queue', 'stack'], doc: 'Pop the next value of a queue or stack map into a buffer.' },
  { id: 89, args: [MAP, `${VAL} | MEM_UNINIT | MEM_WRITE`], pkt: true, map: ['queue', 'stack', 'bloom_filter'], doc: 'Copy the next value of a queue or stack map without removing it; for a bloom filter, test membership.' },
  { id: 90, args: [CTX, A, A, A], doc: 'Insert len bytes of space at an offset of a sk_msg.' },
  { id: 91, args: [CTX, A, A, A], doc: 'Remove len bytes at an offset of a sk_msg.' },
  { id: 92, args: [CTX, A, A], gpl: true, doc: 'Report a relative pointer movement (lirc mode2 programs).' },
  { id: 93, args: ['ARG_PTR_TO_SPIN_LOCK'], ret: 'RET_VOID', doc: 'Take the bpf_spin_lock inside a map value; no helper calls but spin_unlock until released.' },
  { id: 94, args: ['ARG_PTR_TO_SPIN_LOCK'], ret: 'RET_VOID', doc: 'Release the bpf_spin_lock inside a map value.' },
  { id: 95, args: [SOCKC], ret: 'RET_PTR_TO_SOCKET_OR_NULL', cast: true, doc: 'The full socket (struct bpf_sock) for a sock_common, or NULL for request and timewait sockets.' },
  { id: 96, args: [SOCKC], ret: 'RET_PTR_TO_TCP_SOCK_OR_NULL', cast: true, doc: 'The struct bpf_tcp_sock view of a socket, or NULL when it is not TCP.' },
  { id: 97, args: [CTX], doc: 'Set the ECN Congestion Experienced mark on the packet if it is ECN-capable.' },
  { id: 98, args: [SOCKC], ret: 'RET_PTR_TO_SOCKET_OR_NULL', doc: 'The listening socket a request socket belongs to, or NULL.' },
  { id: 99, args: [CTX, RO, SIZE0, A, A], ret: 'RET_PTR_TO_SOCK_COMMON_OR_NULL', pkt: true, acquire: true, doc: 'Find a TCP socket for a tuple, including request and timewait sockets; release it with sk_release.' },
  { id: 100, args: [BTF_SOCKC, RO, SIZE, RO, SIZE], gpl: true, pkt: true, doc: 'Check a SYN cookie in the ACK (IP and TCP headers) for a listening socket; 0 when valid.' },
  { id: 101, args: [CTX, UNINIT, SIZE, A], doc: 'Copy the name of the sysctl being accessed into a buffer.' },
  { id: 102, args: [CTX, UNINIT, SIZE], doc: 'Copy the current value of the sysctl, as a string, into a buffer.' },
  { id: 103, args: [CTX, UNINIT, SIZE], doc: 'Copy the value user space is writing to the sysctl into a buffer.' },
  { id: 104, args: [CTX, RO, SIZE], doc: 'Replace the value user space is writing to the sysctl.' },
  { id: 105, args: [RO, SIZE, A, FIXED_OUT], size: { 3: 8 }, doc: 'Parse a signed integer from a string buffer (base in flags) into a long; returns the characters consumed.' },
  { id: 106, args: [RO, SIZE, A, FIXED_OUT], size: { 3: 8 }, doc: 'Parse an unsigned integer from a string buffer into an unsigned long; returns the characters consumed.' },
  { id: 107, args: [MAP, BTF_SOCKC, 'ARG_PTR_TO_MAP_VALUE_OR_NULL', A], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', map: ['sk_storage'], doc: "Get (or with BPF_SK_STORAGE_GET_F_CREATE create) a socket's storage in a sk_storage map." },
  { id: 108, args: [MAP, BTF_SOCKC], map: ['sk_storage'], doc: "Delete a socket's storage from a sk_storage map." },
  { id: 109, args: [A], doc: 'Send a signal to the current process.' },
  { id: 110, args: [BTF_SOCKC, RO, SIZE, RO, SIZE], gpl: true, pkt: true, doc: 'Generate a SYN cookie for a SYN (IP and TCP headers); returns cookie | mss << 32.' },
  { id: 111, args: [CTX, MAP, A, RO, SIZE0], gpl: true, map: PERF, doc: 'Send a record plus packet bytes to a perf_event_array (tracing programs on skbs).' },
  { id: 112, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Copy size bytes from a user-space address into a buffer (zeroed on failure).' },
  { id: 113, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Copy size bytes from a kernel address into a buffer (zeroed on failure).' },
  { id: 114, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Copy a NUL-terminated string from user space into a buffer; returns its length with the NUL.' },
  { id: 115, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Copy a NUL-terminated string from kernel memory into a buffer; returns its length with the NUL.' },
  { id: 116, args: ['ARG_PTR_TO_BTF_ID', A], btf: { 0: 'tcp_sock' }, doc: 'Send a TCP ACK now (bpf_tcp_congestion_ops programs).' },
  { id: 117, args: [A], doc: 'Send a signal to the current thread.' },
  { id: 118, args: [], doc: 'The kernel tick counter jiffies, 64-bit.' },
  { id: 119, args: [CTX, MEM_NULL, SIZE0, A], gpl: true, doc: 'Copy the LBR branch records of the perf event sample into a buffer.' },
  { id: 120, args: [A, A, UNINIT, SIZE], doc: 'The pid and tgid of the current task as seen from a pid namespace (dev, ino) into a struct bpf_pidns_info.' },
  { id: 121, args: [CTX, MAP, A, RO, SIZE0], gpl: true, map: PERF, doc: 'Send a record plus XDP frame bytes to a perf_event_array (tracing programs on XDP).' },
  { id: 122, args: ['ARG_PTR_TO_CTX_OR_NULL'], doc: 'The cookie of the network namespace of the context (NULL: the init namespace).' },
  { id: 123, args: [A], doc: "The cgroup v2 id of the current task's ancestor at a level." },
  { id: 124, args: [CTX, BTF_SOCKC, A], doc: 'Steer the packet to a socket (e.g. one from sk_lookup_tcp) instead of the socket lookup result.' },
  { id: 125, args: [], doc: 'Nanoseconds since boot, including suspend (CLOCK_BOOTTIME).' },
  { id: 126, args: ['ARG_PTR_TO_BTF_ID', RO, SIZE, RO_NULL, SIZE0], gpl: true, btf: { 0: 'seq_file' }, doc: 'Formatted print into the seq_file of a BPF iterator.' },
  { id: 127, args: ['ARG_PTR_TO_BTF_ID', RO, SIZE0], gpl: true, btf: { 0: 'seq_file' }, doc: 'Write raw bytes into the seq_file of a BPF iterator.' },
  { id: 128, args: [BTF_SOCKC], doc: "The cgroup v2 id of a socket's cgroup." },
  { id: 129, args: [BTF_SOCKC, A], doc: "The cgroup v2 id of the ancestor, at a level, of a socket's cgroup." },
  { id: 130, args: [MAP, RO, SIZE0, A], map: RINGBUF, doc: 'Copy a buffer into a ring buffer map as one record (flags choose whether to wake the reader).' },
  { id: 131, args: [MAP, 'ARG_CONST_ALLOC_SIZE_OR_ZERO', A], ret: 'RET_PTR_TO_RINGBUF_MEM_OR_NULL', acquire: true, map: RINGBUF, doc: 'Reserve a record of a constant size in a ring buffer; fill it, then ringbuf_submit or ringbuf_discard it.' },
  { id: 132, args: ['ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE', A], ret: 'RET_VOID', doc: 'Publish a record reserved with ringbuf_reserve to the reader.' },
  { id: 133, args: ['ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE', A], ret: 'RET_VOID', doc: 'Drop a record reserved with ringbuf_reserve.' },
  { id: 134, args: [MAP, A], map: RINGBUF, doc: 'Query a ring buffer: available data, size, consumer or producer position.' },
  { id: 135, args: [CTX, A], doc: "Query or adjust the packet's checksum level (skb->csum_level)." },
  SKC_CAST(136, 'tcp6_sock', 'an IPv6 TCP socket'),
  SKC_CAST(137, 'tcp_sock', 'a TCP socket'),
  SKC_CAST(138, 'tcp_timewait_sock', 'a TCP timewait socket'),
  SKC_CAST(139, 'tcp_request_sock', 'a TCP request socket'),
  SKC_CAST(140, 'udp6_sock', 'an IPv6 UDP socket'),
  { id: 141, args: ['ARG_PTR_TO_BTF_ID', UNINIT, SIZE0, A], btf: { 0: 'task_struct' }, doc: "Copy a task's kernel stack (return addresses) into a buffer." },
  { id: 142, args: [CTX, MEM, SIZE, A], doc: 'Find a TCP header option (by kind, or by kind and magic) and copy it into a buffer.' },
  { id: 143, args: [CTX, RO, SIZE, A], doc: 'Write a TCP header option into the space reserved by reserve_hdr_opt.' },
  { id: 144, args: [CTX, A, A], doc: 'Reserve bytes in the TCP header for options written later with store_hdr_opt.' },
  { id: 145, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL', 'ARG_PTR_TO_MAP_VALUE_OR_NULL', A], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', btf: { 1: 'inode' }, map: ['inode_storage'], doc: "Get (or create) an inode's storage in an inode_storage map (LSM programs)." },
  { id: 146, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL'], btf: { 1: 'inode' }, map: ['inode_storage'], doc: "Delete an inode's storage from an inode_storage map." },
  { id: 147, args: ['ARG_PTR_TO_BTF_ID', MEM, SIZE0], btf: { 0: 'path' }, doc: 'Write the full path of a struct path into a buffer.' },
  { id: 148, args: [UNINIT, SIZE0, A], doc: 'Copy from a user address in a sleepable program (may fault pages in).' },
  { id: 149, args: [MEM, SIZE, RO, SIZE, A], doc: 'Print a kernel object described by BTF (struct btf_ptr) as text into a buffer.' },
  { id: 150, args: ['ARG_PTR_TO_BTF_ID', RO, SIZE, A], btf: { 0: 'seq_file' }, doc: 'Print a kernel object described by BTF into the seq_file of a BPF iterator.' },
  { id: 151, args: [CTX], doc: 'The net_cls classid of the packet (skb->sk or the skb itself), for tc egress.' },
  { id: 152, args: [A, 'ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY', SIZE0, A], doc: 'Redirect the packet to a device, filling in the L2 header from the neighbour table (next hop optional).' },
  { id: 153, args: ['ARG_PTR_TO_PERCPU_BTF_ID', A], ret: 'RET_PTR_TO_MEM_OR_BTF_ID | PTR_MAYBE_NULL | MEM_RDONLY', doc: "Address of a per-CPU kernel variable (from a __ksym) on a given CPU, or NULL." },
  { id: 154, args: ['ARG_PTR_TO_PERCPU_BTF_ID'], ret: 'RET_PTR_TO_MEM_OR_BTF_ID | MEM_RDONLY', doc: "Address of a per-CPU kernel variable (from a __ksym) on the current CPU." },
  { id: 155, args: [A, A], doc: "Redirect the packet to the peer device of a veth or netkit pair, in the peer's namespace." },
  { id: 156, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL', 'ARG_PTR_TO_MAP_VALUE_OR_NULL', A], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', btf: { 1: 'task_struct' }, map: ['task_storage'], doc: "Get (or create) a task's storage in a task_storage map." },
  { id: 157, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL'], btf: { 1: 'task_struct' }, map: ['task_storage'], doc: "Delete a task's storage from a task_storage map." },
  { id: 158, args: [], ret: 'RET_PTR_TO_BTF_ID_TRUSTED', gpl: true, btf: { [-1]: 'task_struct' }, doc: 'The current task as a typed (BTF) pointer to its task_struct.' },
  { id: 159, args: ['ARG_PTR_TO_BTF_ID', A], btf: { 0: 'linux_binprm' }, doc: 'Set options (BPF_F_BPRM_SECUREEXEC) on an exec being checked by an LSM program.' },
  { id: 160, args: [], doc: 'Nanoseconds of CLOCK_MONOTONIC_COARSE (cheaper, tick-resolution).' },
  { id: 161, args: ['ARG_PTR_TO_BTF_ID', UNINIT, SIZE], gpl: true, btf: { 0: 'inode' }, doc: "Copy an inode's IMA hash into a buffer." },
  { id: 162, args: ['ARG_PTR_TO_BTF_ID'], ret: 'RET_PTR_TO_BTF_ID_OR_NULL', btf: { 0: 'file', [-1]: 'socket' }, doc: 'The socket behind a file, or NULL.' },
  { id: 163, args: [CTX, A, FIXED_OUT.replace(' | MEM_UNINIT', ''), A, A], gpl: true, size: { 2: 4 }, doc: 'Check whether the packet (or a length) fits the MTU of a device; the MTU is written to *mtu_len.' },
  { id: 164, args: [MAP, FUNC, STACK_NULL, A], doc: 'Call a callback for every element of a map (until it returns 1); returns the number of elements visited.' },
  { id: 165, args: [MEM_NULL, SIZE0, 'ARG_PTR_TO_CONST_STR', RO_NULL, SIZE0], gpl: true, doc: 'Format into a buffer (like snprintf) with a constant format string and an array of u64 arguments.' },
  { id: 166, args: [A, 'ARG_PTR_TO_MEM | MEM_RDONLY', SIZE], doc: 'Run a bpf() command from a syscall program.' },
  { id: 167, args: [RO, SIZE, A, A], doc: 'Find a BTF type by name and kind (syscall programs).' },
  { id: 168, args: [A], doc: 'Close a file descriptor (syscall programs).' },
  { id: 169, args: [TIMER, MAP, A], gpl: true, doc: 'Initialise a struct bpf_timer inside a map value (clock id in flags).' },
  { id: 170, args: [TIMER, FUNC], gpl: true, doc: 'Set the callback a bpf_timer runs when it fires.' },
  { id: 171, args: [TIMER, A, A], gpl: true, doc: 'Start (or restart) a bpf_timer to fire after nsecs nanoseconds.' },
  { id: 172, args: [TIMER], gpl: true, doc: 'Cancel a bpf_timer and wait for a running callback.' },
  { id: 173, args: [CTX], doc: 'Address of the traced function (kprobe, fentry) or of the probed instruction.' },
  { id: 174, args: [CTX], doc: 'The cookie given when the program was attached (a user-chosen 64-bit value).' },
  { id: 175, args: ['ARG_PTR_TO_BTF_ID'], ret: 'RET_PTR_TO_BTF_ID', gpl: true, btf: { 0: 'task_struct', [-1]: 'pt_regs' }, doc: "The saved user registers (struct pt_regs) of a task." },
  { id: 176, args: [UNINIT, SIZE0, A], gpl: true, doc: 'Copy the last branch records (LBR) captured at program entry into a buffer.' },
  { id: 177, args: [RO, SIZE, RO_NULL, SIZE0], gpl: true, doc: 'Like trace_printk, with any number of arguments passed as an array of u64.' },
  SKC_CAST(178, 'unix_sock', 'a Unix domain socket'),
  { id: 179, args: [RO, SIZE, A, FIXED_OUT], size: { 3: 8 }, doc: 'Address of a kernel symbol by name (syscall programs).' },
  { id: 180, args: ['ARG_PTR_TO_BTF_ID', A, FUNC, STACK_NULL, A], btf: { 0: 'task_struct' }, doc: "Find the VMA of a task containing an address and call a callback with it." },
  { id: 181, args: [A, FUNC, STACK_NULL, A], doc: 'Call a callback up to nr_loops times (until it returns 1); returns the number of iterations.' },
  { id: 182, args: [RO, SIZE, 'ARG_PTR_TO_CONST_STR'], doc: 'Compare a buffer with a constant string like strncmp (at most size bytes).' },
  { id: 183, args: [CTX, A, FIXED_OUT], size: { 2: 8 }, doc: 'The n-th argument of the traced function (fentry/fexit) into *value.' },
  { id: 184, args: [CTX, FIXED_OUT], size: { 1: 8 }, doc: 'The return value of the traced function (fexit) into *value.' },
  { id: 185, args: [CTX], doc: 'How many arguments the traced function takes (fentry/fexit).' },
  { id: 186, args: [], doc: 'The return value the cgroup hook will give the syscall so far (e.g. -EPERM).' },
  { id: 187, args: [A], doc: 'Set the return value the cgroup hook gives the syscall.' },
  { id: 188, args: [CTX], doc: 'Total length of the XDP frame, fragments included.' },
  { id: 189, args: [CTX, A, UNINIT, SIZE], doc: 'Copy bytes of the XDP frame (fragments included) at an offset into a buffer.' },
  { id: 190, args: [CTX, A, RO, SIZE], doc: 'Write bytes from a buffer into the XDP frame (fragments included) at an offset.' },
  { id: 191, args: [UNINIT, SIZE0, A, 'ARG_PTR_TO_BTF_ID', A], gpl: true, btf: { 3: 'task_struct' }, doc: "Copy from another task's user memory (sleepable programs)." },
  { id: 192, args: [CTX, A, A], doc: 'Set skb->tstamp and its meaning (BPF_SKB_TSTAMP_DELIVERY_MONO, …).' },
  { id: 193, args: ['ARG_PTR_TO_BTF_ID', UNINIT, SIZE], gpl: true, btf: { 0: 'file' }, doc: "Copy a file's IMA hash into a buffer." },
  { id: 194, args: ['ARG_KPTR_XCHG_DEST', 'ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE'], ret: 'RET_PTR_TO_BTF_ID_OR_NULL', acquire: true, doc: 'Swap a referenced kernel pointer (kptr) stored in a map value with a new one; returns the old one.' },
  { id: 195, args: [MAP, KEY, A], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', pkt: true, map: ['percpu_hash', 'percpu_array', 'lru_percpu_hash'], doc: "Look up key in a per-CPU map and return a pointer to the given CPU's copy of the value, or NULL." },
  { ...SKC_CAST(196, 'mptcp_sock', 'an MPTCP socket'), args: [SOCKC], cast: true },
  { id: 197, args: [UNINIT, SIZE0, A, 'ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_LOCAL | MEM_UNINIT'], doc: 'Make a local dynptr (a bounds-checked view) over map value memory.' },
  { id: 198, args: [MAP, A, A, 'ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_RINGBUF | MEM_UNINIT'], map: RINGBUF, doc: 'Reserve a ring buffer record of any size as a dynptr; always submit or discard it.' },
  { id: 199, args: ['ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_RINGBUF | OBJ_RELEASE', A], ret: 'RET_VOID', doc: 'Submit a ring buffer record reserved with ringbuf_reserve_dynptr.' },
  { id: 200, args: ['ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_RINGBUF | OBJ_RELEASE', A], ret: 'RET_VOID', doc: 'Discard a ring buffer record reserved with ringbuf_reserve_dynptr.' },
  { id: 201, args: [UNINIT, SIZE0, 'ARG_PTR_TO_DYNPTR | MEM_RDONLY', A, A], doc: 'Copy bytes at an offset of a dynptr into a buffer.' },
  { id: 202, args: ['ARG_PTR_TO_DYNPTR | MEM_RDONLY', A, RO, SIZE0, A], doc: 'Copy a buffer into a dynptr at an offset.' },
  { id: 203, args: ['ARG_PTR_TO_DYNPTR | MEM_RDONLY', A, 'ARG_CONST_ALLOC_SIZE_OR_ZERO'], ret: 'RET_PTR_TO_DYNPTR_MEM_OR_NULL', doc: 'A direct pointer to len bytes at an offset of a dynptr, or NULL when out of range.' },
  { id: 204, args: ['ARG_PTR_TO_FIXED_SIZE_MEM', RO, SIZE0], gpl: true, pkt: true, size: { 0: 20 }, doc: 'Generate a SYN cookie from raw IPv4 and TCP headers without a listening socket.' },
  { id: 205, args: ['ARG_PTR_TO_FIXED_SIZE_MEM', RO, SIZE0], gpl: true, pkt: true, size: { 0: 40 }, doc: 'Generate a SYN cookie from raw IPv6 and TCP headers without a listening socket.' },
  { id: 206, args: ['ARG_PTR_TO_FIXED_SIZE_MEM', 'ARG_PTR_TO_FIXED_SIZE_MEM'], gpl: true, pkt: true, size: { 0: 20, 1: 20 }, doc: 'Check a SYN cookie in raw IPv4 and TCP headers of an ACK; 0 when valid.' },
  { id: 207, args: ['ARG_PTR_TO_FIXED_SIZE_MEM', 'ARG_PTR_TO_FIXED_SIZE_MEM'], gpl: true, pkt: true, size: { 0: 40, 1: 20 }, doc: 'Check a SYN cookie in raw IPv6 and TCP headers of an ACK; 0 when valid.' },
  { id: 208, args: [], doc: 'Nanoseconds of CLOCK_TAI (international atomic time).' },
  { id: 209, args: [MAP, FUNC, STACK_NULL, A], map: ['user_ringbuf'], doc: 'Call a callback with a dynptr for each sample user space wrote into a user ring buffer.' },
  { id: 210, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL', 'ARG_PTR_TO_MAP_VALUE_OR_NULL', A], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', btf: { 1: 'cgroup' }, map: ['cgrp_storage'], doc: "Get (or create) a cgroup's storage in a cgrp_storage map." },
  { id: 211, args: [MAP, 'ARG_PTR_TO_BTF_ID_OR_NULL'], btf: { 1: 'cgroup' }, map: ['cgrp_storage'], doc: "Delete a cgroup's storage from a cgrp_storage map." },
];

/** bpf_helper_changes_pkt_data (net/core/filter.c) as helper ids. */
export const CHANGES_PKT_DATA_IDS: ReadonlySet<number> = new Set([
  9, 10, 11, 13, 18, 19, 31, 38, 39, 43, 44, 50, 54, 63, 65, 73, 74, 75, 76, 90, 91,
]);

/** is_ptr_cast_function: the result points into the argument's object and shares its reference. */
const PTR_CAST_IDS: ReadonlySet<number> = new Set([95, 96, 136, 137, 138, 139, 140, 196]);

/**
 * Per-program-type variants: some helpers have a different prototype for some program types (the
 * kernel's get_func_proto returns another bpf_func_proto). Keyed by `progType:helperId`.
 */
const VARIANTS: Record<string, Partial<Row>> = {
  // bpf_sk_storage_get_cg_sock_proto: the context of cgroup_sock programs is the socket itself.
  'cgroup_sock:107': { args: [MAP, CTX, 'ARG_PTR_TO_MAP_VALUE_OR_NULL', A] },
  // bpf_get_stackid_proto_pe (perf_event programs) is not gpl_only.
  'perf_event:27': { gpl: false },
  // bpf_get_func_ip_proto_kprobe is gpl_only.
  'kprobe:173': { gpl: true },
  // bpf_get_cgroup_classid_proto (skb) for tc and lwt; bpf_get_cgroup_classid_curr_proto elsewhere.
  'sched_cls:17': { args: [CTX] },
  'sched_act:17': { args: [CTX] },
  'lwt_in:17': { args: [CTX] },
  'lwt_out:17': { args: [CTX] },
  'lwt_xmit:17': { args: [CTX] },
};

function build(r: Row): HelperProto {
  const size = r.size ?? {};
  const btf = r.btf ?? {};
  const ret = r.ret ?? INT;
  const argSpecs = r.args.map((a, k) => parseArg(a, size[k] ?? 0, btf[k] ?? (a.includes('SOCK_COMMON') ? 'sock_common' : '')));
  const mapArg = r.map ? { arg: r.args.indexOf(MAP), types: r.map } : undefined;
  return {
    id: r.id,
    name: HELPER_NAMES[r.id] ?? `unknown#${r.id}`,
    args: r.args,
    argSpecs,
    ret,
    retSpec: parseRet(ret, btf[-1] ?? ''),
    gplOnly: !!r.gpl,
    pktAccess: !!r.pkt,
    changesPktData: CHANGES_PKT_DATA_IDS.has(r.id),
    acquire: !!r.acquire,
    ptrCast: !!r.cast || PTR_CAST_IDS.has(r.id),
    ...(mapArg && mapArg.arg >= 0 ? { mapArg } : {}),
    doc: r.doc,
  };
}

/** Prototypes by helper id (the default prototype when program types differ). */
export const HELPER_PROTOS: ReadonlyMap<number, HelperProto> = new Map(ROWS.map((r) => [r.id, build(r)]));

const VARIANT_PROTOS: ReadonlyMap<string, HelperProto> = new Map(
  Object.entries(VARIANTS).map(([k, v]) => {
    const id = Number(k.split(':')[1]);
    const base = ROWS.find((r) => r.id === id)!;
    return [k, build({ ...base, ...v })];
  }),
);

/** The prototype of a helper (for a program type when given), or undefined when bpfplay does not describe it. */
export function helperProto(id: number, progType?: string): HelperProto | undefined {
  if (progType) {
    const v = VARIANT_PROTOS.get(`${progType}:${id}`);
    if (v) return v;
  }
  return HELPER_PROTOS.get(id);
}

/** Helpers whose result must be released (is_acquire_function), with the releasing helper ids. */
export function releasedBy(id: number): readonly number[] {
  if (id === 84 || id === 85 || id === 99) return [86];
  if (id === 131) return [132, 133];
  if (id === 198) return [199, 200];
  return [];
}

/** A one-line C-like signature for hovers: `void *bpf_map_lookup_elem(map, key)`-style with kernel arg types. */
export function helperSignature(p: HelperProto): string {
  return `${p.ret} bpf_${p.name}(${p.args.join(', ')})${p.gplOnly ? ' — GPL only' : ''}`;
}

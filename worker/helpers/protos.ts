// Helper prototypes as the verifier sees them: argument types (enum bpf_arg_type, ARG_*), return type
// (enum bpf_return_type, RET_*), which arguments must be a map of which types, whether the result is an
// acquired reference, and a one-line doc. Facts from the kernel's `struct bpf_func_proto` instances
// (kernel/bpf/helpers.c, net/core/filter.c, kernel/trace/bpf_trace.c, kernel/bpf/ringbuf.c) in Linux 6.18.
// Shared by the verifier (check_helper_call), the UI (hovers) and the program-type table.
// It does not say which program types may call a helper (worker/progtypes/table.ts does) and runs nothing.

import { HELPER_NAMES } from './ids.generated';

export type ArgType =
  | 'ARG_ANYTHING'
  | 'ARG_CONST_MAP_PTR'
  | 'ARG_PTR_TO_MAP_KEY'
  | 'ARG_PTR_TO_MAP_VALUE'
  | 'ARG_PTR_TO_MEM' // readable memory (MEM_RDONLY), followed by a size argument
  | 'ARG_PTR_TO_MEM_OR_NULL'
  | 'ARG_PTR_TO_UNINIT_MEM' // memory the helper writes (MEM_UNINIT | MEM_WRITE)
  | 'ARG_CONST_SIZE'
  | 'ARG_CONST_SIZE_OR_ZERO'
  | 'ARG_CONST_ALLOC_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_CTX'
  | 'ARG_PTR_TO_SOCK_COMMON'
  | 'ARG_PTR_TO_SOCKET'
  | 'ARG_PTR_TO_RINGBUF_MEM_RELEASE'
  | 'ARG_PTR_TO_BTF_ID_SOCK_COMMON_RELEASE'
  | 'ARG_PTR_TO_CONST_STR'
  | 'ARG_PTR_TO_LONG';

export type RetType =
  | 'RET_INTEGER'
  | 'RET_VOID'
  | 'RET_PTR_TO_MAP_VALUE_OR_NULL'
  | 'RET_PTR_TO_SOCKET_OR_NULL'
  | 'RET_PTR_TO_TCP_SOCK_OR_NULL'
  | 'RET_PTR_TO_SOCK_COMMON_OR_NULL'
  | 'RET_PTR_TO_RINGBUF_MEM_OR_NULL';

export interface HelperProto {
  id: number;
  name: string;
  args: readonly ArgType[];
  ret: RetType;
  gplOnly: boolean;
  /** The result is a reference the program must release (acquire functions). */
  acquire?: boolean;
  /** Argument index (0-based) that must be a map, and which map types it accepts (check_map_func_compatibility). */
  mapArg?: { arg: number; types: readonly string[] };
  doc: string;
}

type P = Omit<HelperProto, 'name'>;
const A = 'ARG_ANYTHING' as const;

const TABLE: readonly P[] = [
  { id: 1, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', gplOnly: false, doc: 'Look up key in a map; returns a pointer to the value or NULL.' },
  { id: 2, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Create or update the element for key (flags BPF_ANY, BPF_NOEXIST, BPF_EXIST).' },
  { id: 3, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Delete the element for key.' },
  { id: 4, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Read memory at an unsafe address into a buffer (legacy probe_read).' },
  { id: 5, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'Nanoseconds since boot, not counting suspend (CLOCK_MONOTONIC).' },
  { id: 6, args: ['ARG_PTR_TO_MEM', 'ARG_CONST_SIZE'], ret: 'RET_INTEGER', gplOnly: true, doc: 'printk-like output to the trace pipe (up to three extra arguments in R3-R5).' },
  { id: 7, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'A pseudo-random 32-bit number.' },
  { id: 8, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'The id of the CPU the program runs on.' },
  { id: 9, args: ['ARG_PTR_TO_CTX', A, 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Store bytes into the packet at an offset.' },
  { id: 10, args: ['ARG_PTR_TO_CTX', A, A, A, A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Incrementally update an L3 (IP) checksum.' },
  { id: 11, args: ['ARG_PTR_TO_CTX', A, A, A, A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Incrementally update an L4 (TCP/UDP) checksum.' },
  { id: 12, args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', A], ret: 'RET_VOID', gplOnly: false, mapArg: { arg: 1, types: ['prog_array'] }, doc: 'Jump to another program in a prog_array map; returns only on failure.' },
  { id: 13, args: ['ARG_PTR_TO_CTX', A, A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Clone the packet and redirect the clone to another device.' },
  { id: 14, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'tgid << 32 | pid of the current task.' },
  { id: 15, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'gid << 32 | uid of the current task.' },
  { id: 16, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Copy the current task\'s comm into a buffer.' },
  { id: 17, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'The net_cls cgroup classid of the packet\'s socket.' },
  { id: 18, args: ['ARG_PTR_TO_CTX', A, A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Push a VLAN tag.' },
  { id: 19, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Pop a VLAN tag.' },
  { id: 20, args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Read tunnel metadata.' },
  { id: 21, args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Set tunnel metadata.' },
  { id: 22, args: ['ARG_CONST_MAP_PTR', A], ret: 'RET_INTEGER', gplOnly: true, mapArg: { arg: 0, types: ['perf_event_array'] }, doc: 'Read a perf event counter.' },
  { id: 23, args: [A, A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Redirect the packet to another device (ifindex, flags).' },
  { id: 24, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'The routing realm of the packet\'s dst.' },
  { id: 25, args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', A, 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO'], ret: 'RET_INTEGER', gplOnly: true, mapArg: { arg: 1, types: ['perf_event_array'] }, doc: 'Write a record to a perf event ring buffer.' },
  { id: 26, args: ['ARG_PTR_TO_CTX', A, 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Copy bytes from the packet at an offset into a buffer.' },
  { id: 27, args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', A], ret: 'RET_INTEGER', gplOnly: true, mapArg: { arg: 1, types: ['stack_trace'] }, doc: 'Walk the stack and store it in a stack_trace map; returns its id.' },
  { id: 28, args: ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Checksum difference of two buffers (seeded).' },
  { id: 34, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Hash of the packet (skb->hash, computed if needed).' },
  { id: 35, args: [], ret: 'RET_INTEGER', gplOnly: true, doc: 'Pointer to the current task_struct (as a number).' },
  { id: 39, args: ['ARG_PTR_TO_CTX', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Resize the packet by a number of bytes (legacy).' },
  { id: 44, args: ['ARG_PTR_TO_CTX', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Move xdp_md->data by delta bytes (grow or shrink headroom).' },
  { id: 45, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Copy a NUL-terminated string from an unsafe address (legacy).' },
  { id: 46, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'The socket cookie of the packet\'s socket.' },
  { id: 47, args: ['ARG_PTR_TO_CTX'], ret: 'RET_INTEGER', gplOnly: false, doc: 'The owner UID of the packet\'s socket.' },
  { id: 51, args: ['ARG_CONST_MAP_PTR', A, A], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['devmap', 'devmap_hash', 'cpumap', 'xskmap'] }, doc: 'Redirect to the endpoint at a key of a devmap, cpumap or xskmap.' },
  { id: 54, args: ['ARG_PTR_TO_CTX', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Move xdp_md->data_meta by delta bytes.' },
  { id: 65, args: ['ARG_PTR_TO_CTX', A], ret: 'RET_INTEGER', gplOnly: false, doc: 'Move the end of the XDP frame by delta bytes.' },
  { id: 84, args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', A, A], ret: 'RET_PTR_TO_SOCKET_OR_NULL', gplOnly: false, acquire: true, doc: 'Look up a TCP socket by tuple; the result must be released with bpf_sk_release.' },
  { id: 85, args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', A, A], ret: 'RET_PTR_TO_SOCKET_OR_NULL', gplOnly: false, acquire: true, doc: 'Look up a UDP socket by tuple; the result must be released with bpf_sk_release.' },
  { id: 86, args: ['ARG_PTR_TO_BTF_ID_SOCK_COMMON_RELEASE'], ret: 'RET_INTEGER', gplOnly: false, doc: 'Release a socket reference from bpf_sk_lookup_*.' },
  { id: 87, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_VALUE', A], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['queue', 'stack'] }, doc: 'Push a value onto a queue or stack map.' },
  { id: 88, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_UNINIT_MEM'], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['queue', 'stack'] }, doc: 'Pop a value from a queue or stack map.' },
  { id: 89, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_UNINIT_MEM'], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['queue', 'stack'] }, doc: 'Peek at the next value of a queue or stack map.' },
  { id: 95, args: ['ARG_PTR_TO_SOCK_COMMON'], ret: 'RET_PTR_TO_SOCKET_OR_NULL', gplOnly: false, doc: 'The full socket for a sock_common, or NULL.' },
  { id: 96, args: ['ARG_PTR_TO_SOCK_COMMON'], ret: 'RET_PTR_TO_TCP_SOCK_OR_NULL', gplOnly: false, doc: 'The tcp_sock for a socket, or NULL.' },
  { id: 99, args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', A, A], ret: 'RET_PTR_TO_SOCK_COMMON_OR_NULL', gplOnly: false, acquire: true, doc: 'Look up a TCP socket, including request and timewait sockets.' },
  { id: 112, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Read user memory into a buffer.' },
  { id: 113, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Read kernel memory into a buffer.' },
  { id: 114, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Copy a NUL-terminated user string into a buffer.' },
  { id: 115, args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: true, doc: 'Copy a NUL-terminated kernel string into a buffer.' },
  { id: 125, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'Nanoseconds since boot, including suspend (CLOCK_BOOTTIME).' },
  { id: 130, args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO', A], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['ringbuf'] }, doc: 'Copy data into a ring buffer as one record.' },
  { id: 131, args: ['ARG_CONST_MAP_PTR', 'ARG_CONST_ALLOC_SIZE_OR_ZERO', A], ret: 'RET_PTR_TO_RINGBUF_MEM_OR_NULL', gplOnly: false, acquire: true, mapArg: { arg: 0, types: ['ringbuf'] }, doc: 'Reserve a record in a ring buffer; it must be submitted or discarded.' },
  { id: 132, args: ['ARG_PTR_TO_RINGBUF_MEM_RELEASE', A], ret: 'RET_VOID', gplOnly: false, doc: 'Submit a reserved ring buffer record.' },
  { id: 133, args: ['ARG_PTR_TO_RINGBUF_MEM_RELEASE', A], ret: 'RET_VOID', gplOnly: false, doc: 'Discard a reserved ring buffer record.' },
  { id: 134, args: ['ARG_CONST_MAP_PTR', A], ret: 'RET_INTEGER', gplOnly: false, mapArg: { arg: 0, types: ['ringbuf'] }, doc: 'Query ring buffer properties.' },
  { id: 160, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'Nanoseconds of CLOCK_MONOTONIC_COARSE.' },
  { id: 208, args: [], ret: 'RET_INTEGER', gplOnly: false, doc: 'Nanoseconds of CLOCK_TAI.' },
];

/** Prototypes by helper id. */
export const HELPER_PROTOS: ReadonlyMap<number, HelperProto> = new Map(
  TABLE.map((p) => [p.id, { ...p, name: HELPER_NAMES[p.id] ?? `unknown#${p.id}` }]),
);

/** The prototype of a helper, or undefined when bpfplay does not describe it. */
export function helperProto(id: number): HelperProto | undefined {
  return HELPER_PROTOS.get(id);
}

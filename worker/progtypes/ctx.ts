// Context layouts: the UAPI structs a BPF program receives in R1 (Linux 6.18 include/uapi/linux/bpf.h,
// bpf_perf_event.h, arch/x86/include/uapi/asm/ptrace.h), field by field with the access rules of each
// program type's is_valid_access callback (net/core/filter.c: bpf_skb_is_valid_access,
// sk_filter_is_valid_access, tc_cls_act_is_valid_access, cg_skb_is_valid_access, lwt_is_valid_access,
// sk_skb_is_valid_access, xdp_is_valid_access, sock_ops_is_valid_access, bpf_sock_is_valid_access +
// __sock_filter_check_attach_type; kernel/trace/bpf_trace.c: kprobe_prog_is_valid_access,
// tp_prog_is_valid_access, pe_prog_is_valid_access).
// Data plus two lookups: `ctxAccess` (the verifier's verdict on an access) and `ctxConvFields` (what the
// VM needs to read and write a field as the kernel's rewritten access does). The context bytes hold the
// UAPI values; where convert_ctx_access (net/core/filter.c bpf_convert_ctx_access,
// bpf_sock_convert_ctx_access) loads a narrower kernel field — skb->protocol is a u16, pkt_type a 3-bit
// field, tc_index a u16 — the field carries `conv`, and the verifier's narrow-load rule
// (kernel/bpf/verifier.c convert_ctx_accesses: load the target, then shift and mask only when the access
// is narrower than the target) decides what a 1- or 2-byte read returns. Stores truncate to the target or
// are skipped (queue_mapping) as the rewritten store does. Tests pin every offset to the installed headers,
// every (offset, size, read/write) verdict to the running kernel, and every narrow read to what the
// kernel returns (kernel-probe/ctx-narrow.test.ts).
// Where the UAPI bytes alone already give the kernel's answer, no `conv` is needed: xdp_md (4-byte reads
// only), bpf_sock_ops (4-byte reads; skb_tcp_flags is narrow only at its start, a u8), pt_regs (real
// memory: byte-exact), bpf_perf_event_data (u64 targets: shift and mask give the UAPI bytes), and the
// narrow-at-start fields of bpf_sock (family, type, protocol, state, src_port: the low bytes). Not
// comparable with the kernel because BPF_PROG_TEST_RUN cannot run those types: sock_ops, cgroup_sock,
// kprobe, perf_event, sk_skb (whose __sk_buff fields use the same conversions as the tested skb types).

/** Register types a context load can produce (kernel enum bpf_reg_type names). */
export type CtxRegType =
  | 'SCALAR_VALUE'
  | 'PTR_TO_PACKET'
  | 'PTR_TO_PACKET_END'
  | 'PTR_TO_PACKET_META'
  | 'PTR_TO_SOCK_COMMON_OR_NULL'
  | 'PTR_TO_SOCKET_OR_NULL'
  | 'PTR_TO_SOCKET';

export type AccessSize = 1 | 2 | 4 | 8;

/**
 * One field (or array) of a context struct.
 * An access (off, size) hits the field when field.off <= off < field.off + field.size. It is valid when
 * size is in `read` (or `write`), off % size == 0, and off + size <= field.off + (field.span ?? field.size).
 * `narrow: 'start'` means accesses smaller than the field are only allowed at the field's first byte
 * (the kernel matches `case offsetof(...)` rather than `bpf_ctx_range(...)`).
 */
export interface CtxField {
  name: string;
  off: number;
  size: number;
  /** Element size for arrays (cb[5], remote_ip6[4], …). */
  elem?: number;
  read: readonly AccessSize[];
  write: readonly AccessSize[];
  narrow?: 'any' | 'start';
  /** Bytes an access starting inside the field may cover (bpf_sock.dst_port allows a 4-byte read). */
  span?: number;
  /** Writes are only allowed at these offsets (bpf_sock_ops.reply, which is args[0]). */
  writeOffsets?: readonly number[];
  /** What a load of the full field yields, if not a scalar. */
  regType?: CtxRegType;
  /** C type as the UAPI header spells it. */
  ctype: string;
  doc: string;
  /** The kernel field behind it, when it is narrower than the UAPI field (see CtxConv); absent: as wide. */
  conv?: CtxConv;
}

/**
 * The kernel field a UAPI context field is rewritten to, when they differ in width
 * (convert_ctx_access's `target_size`). A full-width load yields the UAPI value (the context bytes hold
 * it); a narrow load as wide as the target or wider yields the same whole value whatever its offset; a
 * load narrower than the target is shifted by its offset inside the field and masked.
 */
export interface CtxConv {
  /** target_size in bytes: 1 for a bitfield byte (pkt_type, vlan_present), 2 for a u16 (protocol, tc_index). */
  target: 1 | 2;
  /** The bits of the UAPI u32 the kernel field can hold: 0x7, 0x1, 0xffff, or 0xffff0000 for remote_port
   * (loaded as a u16 and shifted left by 16). */
  mask: number;
  /** NO_QUEUE_MAPPING loads as the 64-bit -1 the rewrite materialises (bpf_sock.rx_queue_mapping). */
  minusOne?: boolean;
  /** Full-width stores: 'u16' keeps the low 16 bits (BPF_STX_MEM(BPF_H)); 'queue_mapping' also skips the
   * store when the value is >= NO_QUEUE_MAPPING (0xffff). */
  store?: 'u16' | 'queue_mapping';
}

export interface CtxLayout {
  struct: string;
  size: number;
  fields: readonly CtxField[];
  /** Tracepoint contexts: the verifier only bounds accesses by PERF_MAX_TRACE_SIZE (8192), from byte 8. */
  openEnded?: { from: number; to: number; read: readonly AccessSize[] };
}

const NARROW: readonly AccessSize[] = [1, 2, 4];
const W4: readonly AccessSize[] = [4];
const R8: readonly AccessSize[] = [8];
const ALL: readonly AccessSize[] = [1, 2, 4, 8];
const NONE: readonly AccessSize[] = [];

/** One row of the __sk_buff description shared by the skb-based types. */
interface SkbFieldDef {
  name: string;
  off: number;
  size: number;
  elem?: number;
  ctype: string;
  doc: string;
  conv?: CtxConv;
}

/** u16 kernel fields behind u32 UAPI fields. */
const U16: CtxConv = { target: 2, mask: 0xffff };

const SKB_FIELDS: readonly SkbFieldDef[] = [
  { name: 'len', off: 0, size: 4, ctype: '__u32', doc: 'Total packet length in bytes (skb->len), linear and paged parts.' },
  { name: 'pkt_type', off: 4, size: 4, ctype: '__u32', doc: 'PACKET_HOST (0), PACKET_BROADCAST (1), PACKET_MULTICAST (2), PACKET_OTHERHOST (3), PACKET_OUTGOING (4).', conv: { target: 1, mask: 0x7 } },
  { name: 'mark', off: 8, size: 4, ctype: '__u32', doc: 'Packet mark (skb->mark), set by netfilter, tc or sockets (SO_MARK).' },
  { name: 'queue_mapping', off: 12, size: 4, ctype: '__u32', doc: 'Transmit queue chosen for the packet.', conv: { target: 2, mask: 0xffff, store: 'queue_mapping' } },
  { name: 'protocol', off: 16, size: 4, ctype: '__u32', doc: 'EtherType in network byte order (skb->protocol), e.g. 0x0008 read as a little-endian u32 for IPv4.', conv: U16 },
  { name: 'vlan_present', off: 20, size: 4, ctype: '__u32', doc: '1 if a VLAN tag was stripped into the skb metadata (hardware VLAN acceleration).' },
  { name: 'vlan_tci', off: 24, size: 4, ctype: '__u32', doc: 'VLAN tag control information (priority, DEI, VLAN id) of the stripped tag.', conv: U16 },
  { name: 'vlan_proto', off: 28, size: 4, ctype: '__u32', doc: 'VLAN protocol of the stripped tag (0x8100 or 0x88a8), network byte order.', conv: U16 },
  { name: 'priority', off: 32, size: 4, ctype: '__u32', doc: 'Queueing priority (skb->priority, SO_PRIORITY).' },
  { name: 'ingress_ifindex', off: 36, size: 4, ctype: '__u32', doc: 'Interface index the packet arrived on (skb->skb_iif).' },
  { name: 'ifindex', off: 40, size: 4, ctype: '__u32', doc: 'Interface index of the device the skb currently belongs to (skb->dev).' },
  { name: 'tc_index', off: 44, size: 4, ctype: '__u32', doc: 'Traffic-control index (skb->tc_index), used by the dsmark qdisc.', conv: { ...U16, store: 'u16' } },
  { name: 'cb', off: 48, size: 20, elem: 4, ctype: '__u32[5]', doc: 'Control buffer: 20 bytes of scratch space that programs may use to pass data along (qdisc_skb_cb->data).' },
  { name: 'hash', off: 68, size: 4, ctype: '__u32', doc: 'Flow hash (skb->hash), 0 if not computed yet.' },
  { name: 'tc_classid', off: 72, size: 4, ctype: '__u32', doc: 'Class id a tc classifier returns (qdisc_skb_cb->tc_classid).', conv: { ...U16, store: 'u16' } },
  { name: 'data', off: 76, size: 4, ctype: '__u32', doc: 'Start of the linear packet data (a packet pointer once loaded).' },
  { name: 'data_end', off: 80, size: 4, ctype: '__u32', doc: 'End of the linear packet data (packet end pointer once loaded).' },
  { name: 'napi_id', off: 84, size: 4, ctype: '__u32', doc: 'NAPI id the packet was received on (0 if none).' },
  { name: 'family', off: 88, size: 4, ctype: '__u32', doc: 'Address family of the socket (AF_INET 2, AF_INET6 10).', conv: U16 },
  { name: 'remote_ip4', off: 92, size: 4, ctype: '__u32', doc: 'Remote IPv4 address of the socket, network byte order.' },
  { name: 'local_ip4', off: 96, size: 4, ctype: '__u32', doc: 'Local IPv4 address of the socket, network byte order.' },
  { name: 'remote_ip6', off: 100, size: 16, elem: 4, ctype: '__u32[4]', doc: 'Remote IPv6 address of the socket, network byte order.' },
  { name: 'local_ip6', off: 116, size: 16, elem: 4, ctype: '__u32[4]', doc: 'Local IPv6 address of the socket, network byte order.' },
  { name: 'remote_port', off: 132, size: 4, ctype: '__u32', doc: 'Remote port, network byte order in the upper 16 bits.', conv: { target: 2, mask: 0xffff0000 } },
  { name: 'local_port', off: 136, size: 4, ctype: '__u32', doc: 'Local port, host byte order.', conv: U16 },
  { name: 'data_meta', off: 140, size: 4, ctype: '__u32', doc: 'Start of the metadata area in front of data (packet meta pointer once loaded).' },
  { name: 'flow_keys', off: 144, size: 8, ctype: 'struct bpf_flow_keys *', doc: 'Flow dissector keys (flow dissector programs only).' },
  { name: 'tstamp', off: 152, size: 8, ctype: '__u64', doc: 'Timestamp of the packet (skb->tstamp), in ns.' },
  { name: 'wire_len', off: 160, size: 4, ctype: '__u32', doc: 'Length on the wire including headers of all segments (qdisc_skb_cb->pkt_len).' },
  { name: 'gso_segs', off: 164, size: 4, ctype: '__u32', doc: 'Number of GSO segments.', conv: U16 },
  { name: 'sk', off: 168, size: 8, ctype: 'struct bpf_sock *', doc: 'Socket the packet belongs to, or NULL.' },
  { name: 'gso_size', off: 176, size: 4, ctype: '__u32', doc: 'GSO segment size.', conv: U16 },
  { name: 'tstamp_type', off: 180, size: 1, ctype: '__u8', doc: 'BPF_SKB_TSTAMP_UNSPEC (0) or BPF_SKB_TSTAMP_DELIVERY_MONO (1): what tstamp means.' },
  { name: 'hwtstamp', off: 184, size: 8, ctype: '__u64', doc: 'Hardware receive timestamp (skb_shinfo(skb)->hwtstamps).' },
];

type SkbFlavor = 'socket_filter' | 'tc' | 'cgroup_skb' | 'lwt' | 'sk_skb';

/** The __sk_buff access rules per flavour, following the is_valid_access callbacks in net/core/filter.c. */
function skbField(f: SkbFieldDef, flavor: SkbFlavor): CtxField {
  const base = { name: f.name, off: f.off, size: f.size, elem: f.elem, ctype: f.ctype, doc: f.doc, ...(f.conv ? { conv: f.conv } : {}) };
  const denied: Record<SkbFlavor, readonly string[]> = {
    socket_filter: ['tc_classid', 'data', 'data_meta', 'data_end', 'family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port', 'tstamp', 'wire_len', 'hwtstamp'],
    tc: ['family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port'],
    cgroup_skb: ['tc_classid', 'data_meta', 'wire_len'],
    lwt: ['tc_classid', 'family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port', 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'],
    sk_skb: ['tc_classid', 'data_meta', 'tstamp', 'wire_len', 'hwtstamp', 'mark'],
  };
  const writable: Record<SkbFlavor, readonly string[]> = {
    socket_filter: ['cb'],
    tc: ['mark', 'tc_index', 'priority', 'tc_classid', 'cb', 'tstamp', 'queue_mapping'],
    cgroup_skb: ['mark', 'priority', 'cb', 'tstamp'],
    lwt: ['mark', 'priority', 'cb'],
    sk_skb: ['tc_index', 'priority'],
  };
  // Always denied for these types: flow_keys (flow dissector only); tstamp_type except tc (1-byte read).
  if (f.name === 'flow_keys' || denied[flavor].includes(f.name)) return { ...base, read: NONE, write: NONE };
  if (f.name === 'tstamp_type') return { ...base, read: flavor === 'tc' ? [1] : NONE, write: NONE };
  const w = writable[flavor].includes(f.name);
  switch (f.name) {
    case 'cb':
      return { ...base, read: ALL, write: w ? ALL : NONE, narrow: 'any' };
    case 'remote_ip4':
    case 'local_ip4':
    case 'remote_ip6':
    case 'local_ip6':
      return { ...base, read: W4, write: w ? W4 : NONE };
    case 'data':
    case 'data_end':
    case 'data_meta': {
      const regType: CtxRegType = f.name === 'data' ? 'PTR_TO_PACKET' : f.name === 'data_end' ? 'PTR_TO_PACKET_END' : 'PTR_TO_PACKET_META';
      return { ...base, read: W4, write: NONE, regType };
    }
    case 'tstamp':
      return { ...base, read: R8, write: w ? R8 : NONE };
    case 'hwtstamp':
      return { ...base, read: R8, write: NONE };
    case 'sk':
      return { ...base, read: R8, write: NONE, regType: 'PTR_TO_SOCK_COMMON_OR_NULL' };
    default:
      return { ...base, read: NARROW, write: w ? W4 : NONE, narrow: 'any' };
  }
}

function skbLayout(flavor: SkbFlavor): CtxLayout {
  return { struct: '__sk_buff', size: 192, fields: SKB_FIELDS.map((f) => skbField(f, flavor)) };
}

export const SK_BUFF_SOCKET_FILTER = skbLayout('socket_filter');
export const SK_BUFF_TC = skbLayout('tc');
export const SK_BUFF_CGROUP_SKB = skbLayout('cgroup_skb');
export const SK_BUFF_LWT = skbLayout('lwt');
export const SK_BUFF_SK_SKB = skbLayout('sk_skb');

export const XDP_MD: CtxLayout = {
  struct: 'xdp_md',
  size: 24,
  fields: [
    { name: 'data', off: 0, size: 4, ctype: '__u32', read: W4, write: NONE, regType: 'PTR_TO_PACKET', doc: 'Start of packet data (packet pointer once loaded).' },
    { name: 'data_end', off: 4, size: 4, ctype: '__u32', read: W4, write: NONE, regType: 'PTR_TO_PACKET_END', doc: 'End of packet data.' },
    { name: 'data_meta', off: 8, size: 4, ctype: '__u32', read: W4, write: NONE, regType: 'PTR_TO_PACKET_META', doc: 'Start of the metadata area in front of data (equals data until bpf_xdp_adjust_meta).' },
    { name: 'ingress_ifindex', off: 12, size: 4, ctype: '__u32', read: W4, write: NONE, doc: 'Interface index of the receiving device (rxq->dev->ifindex).' },
    { name: 'rx_queue_index', off: 16, size: 4, ctype: '__u32', read: W4, write: NONE, doc: 'Receive queue index (rxq->queue_index).' },
    { name: 'egress_ifindex', off: 20, size: 4, ctype: '__u32', read: NONE, write: NONE, doc: 'Egress device index: only for programs attached to a DEVMAP entry (BPF_XDP_DEVMAP).' },
  ],
};

const u32 = (name: string, off: number, doc: string, extra: Partial<CtxField> = {}): CtxField => ({
  name, off, size: 4, ctype: '__u32', read: W4, write: NONE, doc, ...extra,
});

export const BPF_SOCK_OPS: CtxLayout = {
  struct: 'bpf_sock_ops',
  size: 224,
  fields: [
    u32('op', 0, 'Which callback this is (BPF_SOCK_OPS_*).'),
    { name: 'args', off: 4, size: 16, elem: 4, ctype: '__u32[4] (union with reply, replylong[4])', read: W4, write: W4, writeOffsets: [4], doc: 'Arguments of the op; args[0] (= reply) is also the writable reply.' },
    u32('family', 20, 'Address family (AF_INET 2, AF_INET6 10).'),
    u32('remote_ip4', 24, 'Remote IPv4 address, network byte order.'),
    u32('local_ip4', 28, 'Local IPv4 address, network byte order.'),
    { name: 'remote_ip6', off: 32, size: 16, elem: 4, ctype: '__u32[4]', read: W4, write: NONE, doc: 'Remote IPv6 address, network byte order.' },
    { name: 'local_ip6', off: 48, size: 16, elem: 4, ctype: '__u32[4]', read: W4, write: NONE, doc: 'Local IPv6 address, network byte order.' },
    u32('remote_port', 64, 'Remote port, network byte order.'),
    u32('local_port', 68, 'Local port, host byte order.'),
    u32('is_fullsock', 72, '1 if the TCP fields below are valid (a full socket, not a request socket).'),
    u32('snd_cwnd', 76, 'Congestion window.'),
    u32('srtt_us', 80, 'Smoothed RTT << 3, in microseconds.'),
    u32('bpf_sock_ops_cb_flags', 84, 'Which extra callbacks are enabled (BPF_SOCK_OPS_*_CB_FLAG).'),
    u32('state', 88, 'TCP state (BPF_TCP_ESTABLISHED 1 …).'),
    u32('rtt_min', 92, 'Minimum RTT seen.'),
    u32('snd_ssthresh', 96, 'Slow-start threshold.'),
    u32('rcv_nxt', 100, 'Next sequence number expected.'),
    u32('snd_nxt', 104, 'Next sequence number to send.'),
    u32('snd_una', 108, 'First unacknowledged sequence number.'),
    u32('mss_cache', 112, 'Cached effective MSS.'),
    u32('ecn_flags', 116, 'ECN status bits.'),
    u32('rate_delivered', 120, 'Packets delivered in the last rate sample.'),
    u32('rate_interval_us', 124, 'Interval of the last rate sample.'),
    u32('packets_out', 128, 'Packets in flight.'),
    u32('retrans_out', 132, 'Retransmitted packets in flight.'),
    u32('total_retrans', 136, 'Total retransmissions.'),
    u32('segs_in', 140, 'Segments received.'),
    u32('data_segs_in', 144, 'Data segments received.'),
    u32('segs_out', 148, 'Segments sent.'),
    u32('data_segs_out', 152, 'Data segments sent.'),
    u32('lost_out', 156, 'Lost packets.'),
    u32('sacked_out', 160, 'SACKed packets.'),
    u32('sk_txhash', 164, 'Transmit hash of the socket (writable).', { write: W4 }),
    { name: 'bytes_received', off: 168, size: 8, ctype: '__u64', read: R8, write: NONE, doc: 'Bytes received.' },
    { name: 'bytes_acked', off: 176, size: 8, ctype: '__u64', read: R8, write: NONE, doc: 'Bytes acknowledged.' },
    { name: 'sk', off: 184, size: 8, ctype: 'struct bpf_sock *', read: R8, write: NONE, regType: 'PTR_TO_SOCKET_OR_NULL', doc: 'The socket (bpf_sock view), or NULL.' },
    { name: 'skb_data', off: 192, size: 8, ctype: 'void *', read: R8, write: NONE, regType: 'PTR_TO_PACKET', doc: 'Start of the TCP header of the current packet (header-option callbacks).' },
    { name: 'skb_data_end', off: 200, size: 8, ctype: 'void *', read: R8, write: NONE, regType: 'PTR_TO_PACKET_END', doc: 'End of the TCP header.' },
    u32('skb_len', 208, 'Length of the current packet (header, options, payload).'),
    { name: 'skb_tcp_flags', off: 212, size: 4, ctype: '__u32', read: NARROW, write: NONE, narrow: 'start', doc: 'TCP flags of the current packet.' },
    { name: 'skb_hwtstamp', off: 216, size: 8, ctype: '__u64', read: R8, write: NONE, doc: 'Hardware timestamp of the current packet (added in Linux 6.2).' },
  ],
};

/** The reply slot inside args (sock_ops_is_valid_access allows a 4-byte write at offsetof(reply) = 4). */
export const SOCK_OPS_REPLY_OFF = 4;

/**
 * struct bpf_sock: as cgroup_sock programs see it per attach type (sock_create, post_bind4/6), and as the
 * pointee of PTR_TO_SOCKET ('pointer', bpf_sock_is_valid_access) and PTR_TO_SOCK_COMMON ('sock_common',
 * bpf_sock_common_is_valid_access: type, protocol, mark and priority are not in sock_common).
 */
export function bpfSockLayout(attach: 'sock_create' | 'post_bind4' | 'post_bind6' | 'pointer' | 'sock_common'): CtxLayout {
  if (attach === 'sock_common') {
    const full = bpfSockLayout('pointer');
    return { ...full, fields: full.fields.map((f) => (f.off >= 8 && f.off < 24 ? { ...f, read: NONE, write: NONE } : f)) };
  }
  const rwCreate = attach === 'sock_create' || attach === 'pointer';
  const createOnly = attach === 'sock_create';
  const readStart: Partial<CtxField> = { read: NARROW, narrow: 'start' };
  return {
    struct: 'bpf_sock',
    size: 80,
    fields: [
      u32('bound_dev_if', 0, 'Interface the socket is bound to (SO_BINDTODEVICE), writable at socket creation.', { read: rwCreate ? W4 : NONE, write: createOnly ? W4 : NONE }),
      u32('family', 4, 'Address family.', readStart),
      u32('type', 8, 'Socket type (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3).', readStart),
      u32('protocol', 12, 'Protocol (IPPROTO_TCP 6, IPPROTO_UDP 17, …).', readStart),
      u32('mark', 16, 'Socket mark (SO_MARK), writable at socket creation.', { read: rwCreate ? W4 : NONE, write: createOnly ? W4 : NONE }),
      u32('priority', 20, 'Socket priority (SO_PRIORITY), writable at socket creation.', { read: rwCreate ? W4 : NONE, write: createOnly ? W4 : NONE }),
      u32('src_ip4', 24, 'Bound IPv4 address, network byte order (post_bind4 only).', { read: attach === 'post_bind4' || attach === 'pointer' ? NARROW : NONE, narrow: 'any' }),
      { name: 'src_ip6', off: 28, size: 16, elem: 4, ctype: '__u32[4]', read: attach === 'post_bind6' || attach === 'pointer' ? NARROW : NONE, write: NONE, narrow: 'any', doc: 'Bound IPv6 address (post_bind6 only).' },
      u32('src_port', 44, 'Bound port, host byte order (post_bind only).', { read: attach === 'sock_create' ? NONE : NARROW, narrow: 'start' }),
      { name: 'dst_port', off: 48, size: 2, span: 4, ctype: '__be16', read: [1, 2, 4], write: NONE, narrow: 'any', doc: 'Remote port, network byte order (a 4-byte read covers the zero padding after it).' },
      u32('dst_ip4', 52, 'Remote IPv4 address, network byte order.', { read: NARROW, narrow: 'any' }),
      { name: 'dst_ip6', off: 56, size: 16, elem: 4, ctype: '__u32[4]', read: NARROW, write: NONE, narrow: 'any', doc: 'Remote IPv6 address.' },
      u32('state', 72, 'Socket state (TCP_* numbering).', readStart),
      { name: 'rx_queue_mapping', off: 76, size: 4, ctype: '__s32', read: NARROW, write: NONE, narrow: 'start', doc: 'Receive queue of the socket, -1 if none.', conv: { target: 2, mask: 0xffffffff, minusOne: true } },
    ],
  };
}

export const BPF_SOCK_CREATE = bpfSockLayout('sock_create');

/** x86-64 struct pt_regs (arch/x86/include/uapi/asm/ptrace.h), the kprobe context (bpf_user_pt_regs_t). */
export const PT_REGS_NAMES = [
  'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
  'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss',
] as const;
export type PtRegName = (typeof PT_REGS_NAMES)[number];

const PT_REG_DOCS: Partial<Record<PtRegName, string>> = {
  rdi: '1st function argument (PT_REGS_PARM1).',
  rsi: '2nd function argument (PT_REGS_PARM2).',
  rdx: '3rd function argument (PT_REGS_PARM3).',
  rcx: '4th function argument (PT_REGS_PARM4; for syscalls r10 holds it).',
  r8: '5th function argument (PT_REGS_PARM5).',
  r9: '6th function argument (PT_REGS_PARM6).',
  rax: 'Return value at a kretprobe (PT_REGS_RC).',
  rip: 'Instruction pointer (PT_REGS_IP): the probed address.',
  rsp: 'Stack pointer (PT_REGS_SP).',
  rbp: 'Frame pointer (PT_REGS_FP).',
  orig_rax: 'System call number on syscall entry.',
};

function ptRegsFields(read: readonly AccessSize[], narrow: 'any' | undefined): CtxField[] {
  return PT_REGS_NAMES.map((name, i) => ({
    name, off: i * 8, size: 8, ctype: 'unsigned long', read, write: NONE, narrow,
    doc: PT_REG_DOCS[name] ?? 'Saved register.',
  }));
}

export const PT_REGS: CtxLayout = { struct: 'pt_regs', size: 168, fields: ptRegsFields(ALL, 'any') };

export const BPF_PERF_EVENT_DATA: CtxLayout = {
  struct: 'bpf_perf_event_data',
  size: 184,
  fields: [
    ...ptRegsFields(R8, undefined).map((f) => ({ ...f, name: `regs.${f.name}` })),
    { name: 'sample_period', off: 168, size: 8, ctype: '__u64', read: ALL, write: NONE, narrow: 'any', doc: 'Sampling period of the event (every N events or N Hz).' },
    { name: 'addr', off: 176, size: 8, ctype: '__u64', read: ALL, write: NONE, narrow: 'any', doc: 'Data address of the sample (PERF_SAMPLE_ADDR), 0 if none.' },
  ],
};

/** Tracepoint context: the raw record; the first 8 bytes (common_* fields) are not readable. */
export const TRACEPOINT_CTX: CtxLayout = {
  struct: 'tracepoint record (per tracefs format file)',
  size: 8192,
  fields: [],
  openEnded: { from: 8, to: 8192, read: ALL },
};

export type CtxAccessResult =
  | { ok: true; field: CtxField | null; regType: CtxRegType; fieldOff: number }
  | { ok: false; reason: string };

/**
 * Is an access of `size` bytes at `off` into this context valid, and what does a load produce?
 * The kernel message for a rejection is "invalid bpf_context access off=%d size=%d".
 */
export function ctxAccess(layout: CtxLayout, off: number, size: number, write: boolean): CtxAccessResult {
  const bad = { ok: false as const, reason: `invalid bpf_context access off=${off} size=${size}` };
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return bad;
  const s = size as AccessSize;
  if (off < 0 || off % s !== 0) return bad;
  if (layout.openEnded) {
    const o = layout.openEnded;
    if (write || off < o.from || off + s > o.to || !o.read.includes(s)) return bad;
    return { ok: true, field: null, regType: 'SCALAR_VALUE', fieldOff: off };
  }
  const f = layout.fields.find((x) => off >= x.off && off < x.off + x.size);
  if (!f) return bad;
  const sizes = write ? f.write : f.read;
  if (!sizes.includes(s)) return bad;
  if (write && f.writeOffsets && !f.writeOffsets.includes(off)) return bad;
  if (off + s > f.off + Math.max(f.size, f.span ?? 0)) return bad;
  const unit = f.elem ?? f.size;
  if (s < unit && f.narrow === 'start' && (off - f.off) % unit !== 0) return bad;
  if (s < unit && !f.narrow) return bad;
  const full = f.regType && s === (f.elem ?? f.size) && off === f.off;
  return { ok: true, field: f, regType: full && f.regType ? f.regType : 'SCALAR_VALUE', fieldOff: off - f.off };
}

/** A converted field as the VM's memory takes it (worker/vm/memory.ts ConvField). */
export interface CtxConvField {
  off: number;
  size: number;
  target: number;
  mask: number;
  minusOne?: boolean;
  store?: 'u16' | 'queue_mapping';
}

/** The fields of a layout whose kernel access is rewritten to a narrower field, for the VM's ctx region. */
export function ctxConvFields(layout: CtxLayout): CtxConvField[] {
  return layout.fields.filter((f) => f.conv && (f.read.length || f.write.length)).map((f) => ({ off: f.off, size: f.size, ...f.conv! }));
}

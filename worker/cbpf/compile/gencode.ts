// Syntax tree -> libpcap's intermediate flow graph for the Ethernet link type (DLT_EN10MB).
// Reproduces libpcap 1.10 gencode.c's block shapes: each primitive is a block (statements + one
// conditional jump) whose `sense` says which edge is still open; gen_and/gen_or/gen_not/backpatch
// wire them exactly as libpcap does, and scratch registers M[] are allocated in the same rotation
// (alloc_reg). The optimizer (optimize.ts) and the linearizer then run on this graph.
// Not supported (reported as located errors): gateway, geneve, ATM/802.11/PF primitives, and names that need resolving (hosts, networks, ethers).
// `protochain` builds libpcap's backward-jumping loop and turns the optimizer off, as libpcap does
// (the result is not a program the kernel accepts: it jumps backwards).

import { FilterError, type Arth, type Dir, type Expr, type IdTok, type Proto, type Qual } from './parse';

export const NOP = -1;
export interface Stmt {
  code: number;
  k: number; // u32
  /** block-local jump targets inside a statement list (only protochain's loop uses them) */
  jt?: Stmt;
  jf?: Stmt;
}
export interface Edge {
  id: number;
  code: number;
  pred: Block;
  succ: Block | null;
  edom: Uint32Array;
  next: Edge | null;
}
export interface Block {
  id: number;
  s: Stmt;
  stmts: Stmt[];
  et: Edge;
  ef: Edge;
  sense: boolean;
  head: Block;
  // optimizer state
  mark: number;
  level: number;
  link: Block | null;
  dom: Uint32Array;
  closure: Uint32Array;
  inEdges: Edge | null;
  val: number[];
  oval: number;
  def: number;
  kill: number;
  inUse: number;
  outUse: number;
  offset: number;
  longjt: number;
  longjf: number;
}

const EMPTY = new Uint32Array(0);
function newEdge(pred: Block): Edge {
  return { id: 0, code: 0, pred, succ: null, edom: EMPTY, next: null };
}
export function newBlock(code: number, k = 0): Block {
  const b = { id: 0, s: { code, k: k >>> 0 }, stmts: [], sense: false, mark: 0, level: 0, link: null, dom: EMPTY, closure: EMPTY, inEdges: null, val: [], oval: 0, def: 0, kill: 0, inUse: 0, outUse: 0, offset: 0, longjt: 0, longjf: 0 } as unknown as Block;
  b.et = newEdge(b);
  b.ef = newEdge(b);
  b.head = b;
  return b;
}
const st = (code: number, k = 0): Stmt => ({ code, k: k >>> 0 });

// opcodes
const LD = 0x00, LDX = 0x01, ST = 0x02, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
const W = 0x00, H = 0x08, B = 0x10;
const IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
const JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
const ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
const X = 0x08;
const TAX = 0x00, TXA = 0x80;

const ETHERTYPE = { ATALK: 0x809b, AARP: 0x80f3, IPX: 0x8137, DN: 0x6003, LAT: 0x6004, SCA: 0x6007, MOPRC: 0x6002, MOPDL: 0x6001, IP: 0x0800, ARP: 0x0806, REVARP: 0x8035, IPV6: 0x86dd, VLAN: 0x8100, QINQ_AD: 0x88a8, QINQ: 0x9100, MPLS: 0x8847, PPPOED: 0x8863, PPPOES: 0x8864 };
const ETHERMTU = 1500;
const ISO = { CLNP: 0x81, ESIS: 0x82, ISIS: 0x83 };
const ISIS = { L1_LAN_IIH: 15, L2_LAN_IIH: 16, PTP_IIH: 17, L1_LSP: 18, L2_LSP: 20, L1_CSNP: 24, L2_CSNP: 25, L1_PSNP: 26, L2_PSNP: 27 };
const LLCSAP = { IP: 0x06, STP: 0x42, IPX: 0xe0, NETBEUI: 0xf0, ISONS: 0xfe };
const IPPROTO = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, IGRP: 9, PIM: 103, VRRP: 112, ICMPV6: 58, AH: 51, ESP: 50, SCTP: 132, FRAGMENT: 44 };

type OffRel = 'packet' | 'linkhdr' | 'linkpl' | 'linkpl_nosnap' | 'linktype' | 'llc' | 'tran_ipv4' | 'tran_ipv6' | 'prevmplshdr';

/** Services for port names (Debian netbase /etc/services: name -> tcp/udp ports). */
const SERVICES: Record<string, { port: number; tcp: boolean; udp: boolean }> = {
  ftp: { port: 21, tcp: true, udp: false }, ssh: { port: 22, tcp: true, udp: false }, telnet: { port: 23, tcp: true, udp: false },
  smtp: { port: 25, tcp: true, udp: false }, domain: { port: 53, tcp: true, udp: true }, bootps: { port: 67, tcp: false, udp: true },
  bootpc: { port: 68, tcp: false, udp: true }, tftp: { port: 69, tcp: false, udp: true }, http: { port: 80, tcp: true, udp: false },
  www: { port: 80, tcp: true, udp: false }, kerberos: { port: 88, tcp: true, udp: true }, pop3: { port: 110, tcp: true, udp: false },
  ntp: { port: 123, tcp: false, udp: true }, 'netbios-ns': { port: 137, tcp: false, udp: true }, imap2: { port: 143, tcp: true, udp: false },
  imap: { port: 143, tcp: true, udp: false }, snmp: { port: 161, tcp: true, udp: true }, 'snmp-trap': { port: 162, tcp: true, udp: true },
  bgp: { port: 179, tcp: true, udp: false }, ldap: { port: 389, tcp: true, udp: true }, https: { port: 443, tcp: true, udp: true },
  isakmp: { port: 500, tcp: false, udp: true }, syslog: { port: 514, tcp: false, udp: true }, imaps: { port: 993, tcp: true, udp: false },
  pop3s: { port: 995, tcp: true, udp: false }, openvpn: { port: 1194, tcp: true, udp: true }, mysql: { port: 3306, tcp: true, udp: false },
  sip: { port: 5060, tcp: true, udp: true }, postgresql: { port: 5432, tcp: true, udp: false },
};
const IP_PROTO_NAMES: Record<string, number> = { ip: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmp6: 58, pim: 103, vrrp: 112, sctp: 132, ospf: 89 };
const SKF_AD_PKTTYPE_OFF = -0x1000 + 4;
const SKF_AD_IFINDEX_OFF = -0x1000 + 8;
const ETHER_PROTO_NAMES: Record<string, number> = { ip: 0x800, ip6: 0x86dd, arp: 0x806, rarp: 0x8035, atalk: 0x809b, aarp: 0x80f3, sca: 0x6007, lat: 0x6004, mopdl: 0x6001, moprc: 0x6002, decnet: 0x6003, iso: 0xfefe, stp: 0x42, ipx: 0xe0, netbeui: 0xf0 };

export class Gen {
  curreg = 0;
  regused = new Array<boolean>(16).fill(false);
  offLinktype = 12;
  offLinkpl = 14;
  offLinkhdr = 0;
  offNl = 0;
  offNlNosnap = 3;
  labelStackDepth = 0;
  vlanStackDepth = 0;
  pppoe = false;
  /** set by protochain: libpcap then skips the optimizer for the whole expression */
  noOptimize = false;
  constructor(readonly snaplen: number) {}

  allocReg(col: number): number {
    let n = 16;
    while (--n >= 0) {
      if (this.regused[this.curreg]) this.curreg = (this.curreg + 1) % 16;
      else {
        this.regused[this.curreg] = true;
        return this.curreg;
      }
    }
    throw new FilterError('too many registers needed to evaluate expression', col);
  }
  freeReg(n: number): void {
    this.regused[n] = false;
  }

  // ---- block plumbing (backpatch / merge / gen_and / gen_or / gen_not) ----
  static JT(b: Block): Block | null {
    return b.et.succ;
  }
  backpatch(list: Block | null, target: Block): void {
    while (list) {
      let next: Block | null;
      if (!list.sense) {
        next = list.et.succ;
        list.et.succ = target;
      } else {
        next = list.ef.succ;
        list.ef.succ = target;
      }
      list = next;
    }
  }
  merge(b0: Block, b1: Block): void {
    let p = b0;
    for (;;) {
      const nxt = !p.sense ? p.et.succ : p.ef.succ;
      if (!nxt) break;
      p = nxt;
    }
    if (!p.sense) p.et.succ = b1;
    else p.ef.succ = b1;
  }
  and(b0: Block, b1: Block): void {
    this.backpatch(b0, b1.head);
    b0.sense = !b0.sense;
    b1.sense = !b1.sense;
    this.merge(b1, b0);
    b1.sense = !b1.sense;
    b1.head = b0.head;
  }
  or(b0: Block, b1: Block): void {
    b0.sense = !b0.sense;
    this.backpatch(b0, b1.head);
    b0.sense = !b0.sense;
    this.merge(b1, b0);
    b1.head = b0.head;
  }
  not(b: Block): void {
    b.sense = !b.sense;
  }

  // ---- loads and comparisons ----
  loadA(rel: OffRel, off: number, size: number): Stmt[] {
    switch (rel) {
      case 'packet':
        return [st(LD | ABS | size, off)];
      case 'linkhdr':
        return [st(LD | ABS | size, this.offLinkhdr + off)];
      case 'linkpl':
        return [st(LD | ABS | size, this.offLinkpl + this.offNl + off)];
      case 'prevmplshdr':
        return [st(LD | ABS | size, this.offLinkpl + this.offNl - 4 + off)];
      case 'linktype':
        return [st(LD | ABS | size, this.offLinktype + off)];
      case 'llc':
        return [st(LD | ABS | size, this.offLinkpl + off)];
      case 'linkpl_nosnap':
        return [st(LD | ABS | size, this.offLinkpl + this.offNlNosnap + off)];
      case 'tran_ipv4':
        return [this.loadxIphdrlen(), st(LD | IND | size, this.offLinkpl + this.offNl + off)];
      case 'tran_ipv6':
        return [st(LD | ABS | size, this.offLinkpl + this.offNl + 40 + off)];
    }
  }
  loadxIphdrlen(): Stmt {
    return st(LDX | MSH | B, this.offLinkpl + this.offNl);
  }
  ncmp(rel: OffRel, off: number, size: number, mask: number, jtype: number, reverse: boolean, v: number): Block {
    const s = this.loadA(rel, off, size);
    if (mask >>> 0 !== 0xffffffff) s.push(st(ALU | AND, mask));
    const b = newBlock(JMP | jtype, v);
    b.stmts = s;
    if (reverse && (jtype === JGT || jtype === JGE)) this.not(b);
    return b;
  }
  cmp(rel: OffRel, off: number, size: number, v: number): Block {
    return this.ncmp(rel, off, size, 0xffffffff, JEQ, false, v);
  }
  mcmp(rel: OffRel, off: number, size: number, v: number, mask: number): Block {
    return this.ncmp(rel, off, size, mask, JEQ, false, v);
  }
  bcmp(rel: OffRel, off: number, bytes: number[]): Block {
    let b: Block | null = null;
    let size = bytes.length;
    while (size >= 4) {
      const p = size - 4;
      const v = ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
      const tmp = this.cmp(rel, off + size - 4, W, v);
      if (b) this.and(b, tmp);
      b = tmp;
      size -= 4;
    }
    while (size >= 2) {
      const p = size - 2;
      const tmp = this.cmp(rel, off + size - 2, H, (bytes[p]! << 8) | bytes[p + 1]!);
      if (b) this.and(b, tmp);
      b = tmp;
      size -= 2;
    }
    if (size > 0) {
      const tmp = this.cmp(rel, off, B, bytes[0]!);
      if (b) this.and(b, tmp);
      b = tmp;
    }
    return b!;
  }

  /** 802.3 length field, not an EtherType: !(type > ETHERMTU). */
  private notEthertype(): Block {
    const b0 = this.ncmp('linktype', 0, H, 0xffffffff, JGT, false, ETHERMTU);
    this.not(b0);
    return b0;
  }
  snap(orgcode: number, ptype: number): Block {
    return this.bcmp('llc', 0, [0xaa, 0xaa, 0x03, (orgcode >> 16) & 0xff, (orgcode >> 8) & 0xff, orgcode & 0xff, (ptype >> 8) & 0xff, ptype & 0xff]);
  }
  /** gen_llc_internal() for Ethernet: an 802.3 frame whose payload does not start with 0xFFFF (raw IPX). */
  llc(): Block {
    const b0 = this.notEthertype();
    const b1 = this.cmp('llc', 0, H, 0xffff);
    this.not(b1);
    this.and(b0, b1);
    return b1;
  }

  etherLinktype(llProto: number): Block {
    switch (llProto) {
      case LLCSAP.ISONS:
      case LLCSAP.IP:
      case LLCSAP.NETBEUI: {
        const b0 = this.notEthertype();
        const b1 = this.cmp('llc', 0, H, (llProto << 8) | llProto);
        this.and(b0, b1);
        return b1;
      }
      case LLCSAP.IPX: {
        let b0 = this.cmp('llc', 0, B, LLCSAP.IPX);
        const b1 = this.cmp('llc', 0, H, 0xffff);
        this.or(b0, b1);
        b0 = this.snap(0x000000, ETHERTYPE.IPX);
        this.or(b0, b1);
        b0 = this.notEthertype();
        this.and(b0, b1);
        b0 = this.cmp('linktype', 0, H, ETHERTYPE.IPX);
        this.or(b0, b1);
        return b1;
      }
      case ETHERTYPE.ATALK:
      case ETHERTYPE.AARP: {
        let b0 = this.notEthertype();
        const b1 = llProto === ETHERTYPE.ATALK ? this.snap(0x080007, ETHERTYPE.ATALK) : this.snap(0x000000, ETHERTYPE.AARP);
        this.and(b0, b1);
        b0 = this.cmp('linktype', 0, H, llProto);
        this.or(b0, b1);
        return b1;
      }
    }
    if (llProto <= ETHERMTU) {
      const b0 = this.ncmp('linktype', 0, H, 0xffffffff, JGT, false, ETHERMTU);
      this.not(b0);
      const b1 = this.cmp('linktype', 2, B, llProto);
      this.and(b0, b1);
      return b1;
    }
    return this.cmp('linktype', 0, H, llProto);
  }
  linktype(llProto: number, col = 0): Block {
    if (this.labelStackDepth > 0) {
      if (llProto === ETHERTYPE.IP || llProto === ETHERTYPE.IPV6) {
        const b0 = this.mcmp('linkpl', -2, B, 0x01, 0x01);
        const b1 = this.mcmp('linkpl', 0, B, llProto === ETHERTYPE.IP ? 0x40 : 0x60, 0xf0);
        this.and(b0, b1);
        return b1;
      }
      throw new FilterError('unsupported protocol over mpls', col);
    }
    if (this.pppoe) {
      const ppp = llProto === ETHERTYPE.IP ? 0x21 : llProto === ETHERTYPE.IPV6 ? 0x57 : llProto === ETHERTYPE.MPLS ? 0x281 : null;
      if (ppp === null) throw new FilterError('bpfplay supports only ip/ip6/mpls after pppoes', col);
      return this.cmp('linktype', 0, H, ppp);
    }
    return this.etherLinktype(llProto);
  }

  // ---- primitives ----
  protoAbbrev(p: Proto, col: number): Block {
    switch (p) {
      case 'sctp': return this.proto(IPPROTO.SCTP, 'default', col);
      case 'tcp': return this.proto(IPPROTO.TCP, 'default', col);
      case 'udp': return this.proto(IPPROTO.UDP, 'default', col);
      case 'icmp': return this.proto(IPPROTO.ICMP, 'ip', col);
      case 'igmp': return this.proto(IPPROTO.IGMP, 'ip', col);
      case 'igrp': return this.proto(IPPROTO.IGRP, 'ip', col);
      case 'pim': return this.proto(IPPROTO.PIM, 'default', col);
      case 'vrrp': case 'carp': return this.proto(IPPROTO.VRRP, 'ip', col);
      case 'ip': return this.linktype(ETHERTYPE.IP, col);
      case 'arp': return this.linktype(ETHERTYPE.ARP, col);
      case 'rarp': return this.linktype(ETHERTYPE.REVARP, col);
      case 'ip6': return this.linktype(ETHERTYPE.IPV6, col);
      case 'icmp6': return this.proto(IPPROTO.ICMPV6, 'ip6', col);
      case 'ah': return this.proto(IPPROTO.AH, 'default', col);
      case 'esp': return this.proto(IPPROTO.ESP, 'default', col);
      case 'atalk': return this.linktype(ETHERTYPE.ATALK, col);
      case 'aarp': return this.linktype(ETHERTYPE.AARP, col);
      case 'decnet': return this.linktype(ETHERTYPE.DN, col);
      case 'sca': return this.linktype(ETHERTYPE.SCA, col);
      case 'lat': return this.linktype(ETHERTYPE.LAT, col);
      case 'mopdl': return this.linktype(ETHERTYPE.MOPDL, col);
      case 'moprc': return this.linktype(ETHERTYPE.MOPRC, col);
      case 'iso': return this.linktype(LLCSAP.ISONS, col);
      case 'stp': return this.linktype(LLCSAP.STP, col);
      case 'ipx': return this.linktype(LLCSAP.IPX, col);
      case 'netbeui': return this.linktype(LLCSAP.NETBEUI, col);
      case 'esis': return this.proto(ISO.ESIS, 'iso', col);
      case 'isis': return this.proto(ISO.ISIS, 'iso', col);
      case 'clnp': return this.proto(ISO.CLNP, 'iso', col);
      case 'l1': return this.isisAny([ISIS.L1_LAN_IIH, ISIS.PTP_IIH, ISIS.L1_LSP, ISIS.L1_CSNP, ISIS.L1_PSNP], col);
      case 'l2': return this.isisAny([ISIS.L2_LAN_IIH, ISIS.PTP_IIH, ISIS.L2_LSP, ISIS.L2_CSNP, ISIS.L2_PSNP], col);
      case 'iih': return this.isisAny([ISIS.L1_LAN_IIH, ISIS.L2_LAN_IIH, ISIS.PTP_IIH], col);
      case 'lsp': return this.isisAny([ISIS.L1_LSP, ISIS.L2_LSP], col);
      case 'snp': return this.isisAny([ISIS.L1_CSNP, ISIS.L2_CSNP, ISIS.L1_PSNP, ISIS.L2_PSNP], col);
      case 'csnp': return this.isisAny([ISIS.L1_CSNP, ISIS.L2_CSNP], col);
      case 'psnp': return this.isisAny([ISIS.L1_PSNP, ISIS.L2_PSNP], col);
      case 'link': throw new FilterError('link layer applied in wrong context', col);
      case 'default': throw new FilterError('syntax error', col);
    }
  }

  /** IS-IS PDU types, or-ed in libpcap's order (the first two, then each further one). */
  isisAny(types: number[], col: number): Block {
    const b0 = this.proto(types[0]!, 'isis', col);
    const b1 = this.proto(types[1]!, 'isis', col);
    this.or(b0, b1);
    for (const t of types.slice(2)) this.or(this.proto(t, 'isis', col), b1);
    return b1;
  }
  proto(v: number, proto: Proto, col: number, dir: Dir = 'default'): Block {
    if (dir !== 'default') throw new FilterError("direction applied to 'proto'", col);
    switch (proto) {
      case 'default': {
        const b0 = this.proto(v, 'ip', col);
        const b1 = this.proto(v, 'ip6', col);
        this.or(b0, b1);
        return b1;
      }
      case 'link':
        return this.linktype(v, col);
      case 'ip': {
        const b0 = this.linktype(ETHERTYPE.IP, col);
        const b1 = this.cmp('linkpl', 9, B, v);
        this.and(b0, b1);
        return b1;
      }
      case 'ip6': {
        const b0 = this.linktype(ETHERTYPE.IPV6, col);
        let b2 = this.cmp('linkpl', 6, B, IPPROTO.FRAGMENT);
        const b1 = this.cmp('linkpl', 40, B, v);
        this.and(b2, b1);
        b2 = this.cmp('linkpl', 6, B, v);
        this.or(b2, b1);
        this.and(b0, b1);
        return b1;
      }
      case 'iso': {
        const b0 = this.linktype(LLCSAP.ISONS, col);
        const b1 = this.cmp('linkpl_nosnap', 0, B, v);
        this.and(b0, b1);
        return b1;
      }
      case 'isis': {
        const b0 = this.proto(ISO.ISIS, 'iso', col);
        const b1 = this.cmp('linkpl_nosnap', 4, B, v);
        this.and(b0, b1);
        return b1;
      }
      case 'esis':
        throw new FilterError("'esis proto' is bogus", col);
      case 'clnp':
        throw new FilterError("'clnp proto' is not supported", col);
      case 'arp': case 'rarp':
        throw new FilterError(`${proto} does not encapsulate another protocol`, col);
      default:
        throw new FilterError(`'${proto} proto' is bogus`, col);
    }
  }
  ipfrag(): Block {
    const b = newBlock(JMP | JSET, 0x1fff);
    b.stmts = this.loadA('linkpl', 6, H);
    this.not(b);
    return b;
  }
  portop(port: number, proto: number, dir: Dir, six: boolean): Block {
    const atom = (off: number): Block => this.cmp(six ? 'tran_ipv6' : 'tran_ipv4', off, H, port);
    let b0: Block;
    if (six) b0 = this.cmp('linkpl', 6, B, proto);
    else {
      const tmp = this.cmp('linkpl', 9, B, proto);
      b0 = this.ipfrag();
      this.and(tmp, b0);
    }
    let b1: Block;
    switch (dir) {
      case 'src': b1 = atom(0); break;
      case 'dst': b1 = atom(2); break;
      case 'and': { const t = atom(0); b1 = atom(2); this.and(t, b1); break; }
      default: { const t = atom(0); b1 = atom(2); this.or(t, b1); break; }
    }
    this.and(b0, b1);
    return b1;
  }
  port(port: number, ipProto: number | null, dir: Dir, six: boolean): Block {
    const b0 = this.linktype(six ? ETHERTYPE.IPV6 : ETHERTYPE.IP);
    let b1: Block;
    if (ipProto !== null) b1 = this.portop(port, ipProto, dir, six);
    else {
      let tmp = this.portop(port, IPPROTO.TCP, dir, six);
      b1 = this.portop(port, IPPROTO.UDP, dir, six);
      this.or(tmp, b1);
      tmp = this.portop(port, IPPROTO.SCTP, dir, six);
      this.or(tmp, b1);
    }
    this.and(b0, b1);
    return b1;
  }
  portrangeop(p1: number, p2: number, proto: number, dir: Dir, six: boolean): Block {
    const atom = (off: number): Block => {
      let v1 = p1, v2 = p2;
      if (v1 > v2) [v1, v2] = [v2, v1];
      const rel = six ? 'tran_ipv6' : 'tran_ipv4';
      const a = this.ncmp(rel, off, H, 0xffffffff, JGE, false, v1);
      const b = this.ncmp(rel, off, H, 0xffffffff, JGT, true, v2);
      this.and(a, b);
      return b;
    };
    let b0: Block;
    if (six) b0 = this.cmp('linkpl', 6, B, proto);
    else {
      const tmp = this.cmp('linkpl', 9, B, proto);
      b0 = this.ipfrag();
      this.and(tmp, b0);
    }
    let b1: Block;
    switch (dir) {
      case 'src': b1 = atom(0); break;
      case 'dst': b1 = atom(2); break;
      case 'and': { const t = atom(0); b1 = atom(2); this.and(t, b1); break; }
      default: { const t = atom(0); b1 = atom(2); this.or(t, b1); break; }
    }
    this.and(b0, b1);
    return b1;
  }
  portrange(p1: number, p2: number, ipProto: number | null, dir: Dir, six: boolean): Block {
    const b0 = this.linktype(six ? ETHERTYPE.IPV6 : ETHERTYPE.IP);
    let b1: Block;
    if (ipProto !== null) b1 = this.portrangeop(p1, p2, ipProto, dir, six);
    else {
      let tmp = this.portrangeop(p1, p2, IPPROTO.TCP, dir, six);
      b1 = this.portrangeop(p1, p2, IPPROTO.UDP, dir, six);
      this.or(tmp, b1);
      tmp = this.portrangeop(p1, p2, IPPROTO.SCTP, dir, six);
      this.or(tmp, b1);
    }
    this.and(b0, b1);
    return b1;
  }
  hostop(addr: number, mask: number, dir: Dir, llProto: number, srcOff: number, dstOff: number): Block {
    if (dir === 'and' || dir === 'or' || dir === 'default') {
      const b0 = this.hostop(addr, mask, 'src', llProto, srcOff, dstOff);
      const b1 = this.hostop(addr, mask, 'dst', llProto, srcOff, dstOff);
      if (dir === 'and') this.and(b0, b1);
      else this.or(b0, b1);
      return b1;
    }
    const off = dir === 'src' ? srcOff : dstOff;
    const b0 = this.linktype(llProto);
    const b1 = this.mcmp('linkpl', off, W, addr, mask);
    this.and(b0, b1);
    return b1;
  }
  host(addr: number, mask: number, proto: Proto, dir: Dir, isNet: boolean, col: number): Block {
    const typestr = isNet ? 'net' : 'host';
    switch (proto) {
      case 'default': {
        let b0 = this.host(addr, mask, 'ip', dir, isNet, col);
        if (this.labelStackDepth === 0) {
          const b1 = this.host(addr, mask, 'arp', dir, isNet, col);
          this.or(b0, b1);
          b0 = this.host(addr, mask, 'rarp', dir, isNet, col);
          this.or(b1, b0);
        }
        return b0;
      }
      case 'ip': return this.hostop(addr, mask, dir, ETHERTYPE.IP, 12, 16);
      case 'arp': return this.hostop(addr, mask, dir, ETHERTYPE.ARP, 14, 24);
      case 'rarp': return this.hostop(addr, mask, dir, ETHERTYPE.REVARP, 14, 24);
      case 'link': throw new FilterError(`link-layer modifier applied to ${typestr}`, col);
      case 'ip6': throw new FilterError("'ip6' modifier applied to ip host", col);
      default: throw new FilterError(`'${proto}' modifier applied to ${typestr}`, col);
    }
  }
  host6(a: number[], m: number[], proto: Proto, dir: Dir, isNet: boolean, col: number): Block {
    const typestr = isNet ? 'net' : 'host';
    if (proto === 'default' || proto === 'ip6') return this.hostop6(a, m, dir);
    if (proto === 'link') throw new FilterError(`link-layer modifier applied to ip6 ${typestr}`, col);
    throw new FilterError(`'${proto}' modifier applied to ip6 ${typestr}`, col);
  }
  hostop6(a: number[], m: number[], dir: Dir): Block {
    if (dir === 'and' || dir === 'or' || dir === 'default') {
      const b0 = this.hostop6(a, m, 'src');
      const b1 = this.hostop6(a, m, 'dst');
      if (dir === 'and') this.and(b0, b1);
      else this.or(b0, b1);
      return b1;
    }
    const off = dir === 'src' ? 8 : 24;
    const b1 = this.mcmp('linkpl', off + 12, W, a[3]!, m[3]!);
    let b0 = this.mcmp('linkpl', off + 8, W, a[2]!, m[2]!);
    this.and(b0, b1);
    b0 = this.mcmp('linkpl', off + 4, W, a[1]!, m[1]!);
    this.and(b0, b1);
    b0 = this.mcmp('linkpl', off, W, a[0]!, m[0]!);
    this.and(b0, b1);
    b0 = this.linktype(ETHERTYPE.IPV6);
    this.and(b0, b1);
    return b1;
  }
  /** gen_dnhostop(): a DECnet node address in the long or short routing header, with or without padding. */
  dnhostop(addr: number, dir: Dir): Block {
    if (dir === 'and' || dir === 'or' || dir === 'default') {
      const b0 = this.dnhostop(addr, 'src');
      const b1 = this.dnhostop(addr, 'dst');
      if (dir === 'and') this.and(b0, b1);
      else this.or(b0, b1);
      return b1;
    }
    const [sh, lh] = dir === 'dst' ? [1, 7] : [3, 15];
    const swapped = ((addr & 0xff) << 8) | ((addr >> 8) & 0xff); // ntohs() on a little-endian host
    const b0 = this.linktype(ETHERTYPE.DN);
    let tmp = this.mcmp('linkpl', 2, H, 0x8106, 0xff07);
    const b1 = this.cmp('linkpl', 2 + 1 + lh, H, swapped);
    this.and(tmp, b1);
    tmp = this.mcmp('linkpl', 2, B, 0x06, 0x07);
    let b2 = this.cmp('linkpl', 2 + lh, H, swapped);
    this.and(tmp, b2);
    this.or(b2, b1);
    tmp = this.mcmp('linkpl', 2, H, 0x8102, 0xff07);
    b2 = this.cmp('linkpl', 2 + 1 + sh, H, swapped);
    this.and(tmp, b2);
    this.or(b2, b1);
    tmp = this.mcmp('linkpl', 2, B, 0x02, 0x07);
    b2 = this.cmp('linkpl', 2 + sh, H, swapped);
    this.and(tmp, b2);
    this.or(b2, b1);
    this.and(b0, b1);
    return b1;
  }

  ehostop(e: number[], dir: Dir): Block {
    switch (dir) {
      case 'src': return this.bcmp('linkhdr', 6, e);
      case 'dst': return this.bcmp('linkhdr', 0, e);
      case 'and': { const b0 = this.ehostop(e, 'src'); const b1 = this.ehostop(e, 'dst'); this.and(b0, b1); return b1; }
      default: { const b0 = this.ehostop(e, 'src'); const b1 = this.ehostop(e, 'dst'); this.or(b0, b1); return b1; }
    }
  }

  // ---- arithmetic (struct arth) ----
  genArth(a: Arth): { s: Stmt[]; regno: number; b: Block | null } {
    switch (a.k) {
      case 'num': {
        const reg = this.allocReg(0);
        return { s: [st(LD | IMM, a.v), st(ST, reg)], regno: reg, b: null };
      }
      case 'len': {
        const reg = this.allocReg(0);
        return { s: [st(LD | LEN), st(ST, reg)], regno: reg, b: null };
      }
      case 'neg': {
        const x = this.genArth(a.a);
        x.s.push(st(LD | MEM, x.regno), st(ALU | NEG), st(ST, x.regno));
        return x;
      }
      case 'bin': {
        const a0 = this.genArth(a.a);
        const a1 = this.genArth(a.b);
        const code = { '+': ADD, '-': SUB, '*': MUL, '/': DIV, '%': MOD, '&': AND, '|': OR, '^': XOR, '<<': LSH, '>>': RSH }[a.op];
        const c0 = a1.s[0]!;
        if (code === DIV && c0.code === (LD | IMM) && c0.k === 0) throw new FilterError('division by zero', a.col);
        if (code === MOD && c0.code === (LD | IMM) && c0.k === 0) throw new FilterError('modulus by zero', a.col);
        if ((code === LSH || code === RSH) && c0.code === (LD | IMM) && c0.k > 31) throw new FilterError('shift by more than 31 bits', a.col);
        const s = [...a0.s, ...a1.s, st(LDX | MEM, a1.regno), st(LD | MEM, a0.regno), st(ALU | X | code)];
        this.freeReg(a0.regno);
        this.freeReg(a1.regno);
        const reg = this.allocReg(a.col);
        s.push(st(ST, reg));
        // gen_arth() keeps a0->b only; the right operand's protocol checks are not carried (libpcap behaviour).
        return { s, regno: reg, b: a0.b };
      }
      case 'load': {
        const inst = this.genArth(a.index);
        const size = a.size;
        if (size !== 1 && size !== 2 && size !== 4) throw new FilterError('data size must be 1, 2, or 4', a.col);
        const sc = size === 1 ? B : size === 2 ? H : W;
        const regno = this.allocReg(a.col);
        this.freeReg(inst.regno);
        switch (a.proto) {
          case 'link':
            inst.s.push(st(LDX | MEM, inst.regno), st(LD | IND | sc, this.offLinkhdr));
            break;
          case 'ip': case 'arp': case 'rarp': case 'ip6': {
            inst.s.push(st(LDX | MEM, inst.regno), st(LD | IND | sc, this.offLinkpl + this.offNl));
            const b = this.protoAbbrev(a.proto, a.col);
            if (inst.b) this.and(inst.b, b);
            inst.b = b;
            break;
          }
          case 'sctp': case 'tcp': case 'udp': case 'icmp': case 'igmp': case 'igrp': case 'pim': case 'vrrp': case 'carp': {
            inst.s.push(this.loadxIphdrlen(), st(LD | MEM, inst.regno), st(ALU | ADD | X), st(MISC | TAX), st(LD | IND | sc, this.offLinkpl + this.offNl));
            const b = this.ipfrag();
            this.and(this.protoAbbrev(a.proto, a.col), b);
            if (inst.b) this.and(inst.b, b);
            this.and(this.protoAbbrev('ip', a.col), b);
            inst.b = b;
            break;
          }
          case 'icmp6': {
            let b = this.protoAbbrev('ip6', a.col);
            if (inst.b) this.and(inst.b, b);
            inst.b = b;
            b = this.cmp('linkpl', 6, B, 58);
            if (inst.b) this.and(inst.b, b);
            inst.b = b;
            inst.s.push(st(LDX | MEM, inst.regno), st(LD | IND | sc, this.offLinkpl + this.offNl + 40));
            break;
          }
          default:
            throw new FilterError('unsupported index operation', a.col);
        }
        inst.regno = regno;
        inst.s.push(st(ST, regno));
        return inst;
      }
    }
  }

  relation(op: string, a0e: Arth, a1e: Arth): Block {
    const a0 = this.genArth(a0e);
    const a1 = this.genArth(a1e);
    const code = op === '>' || op === '<=' ? JGT : op === '>=' || op === '<' ? JGE : JEQ;
    const reversed = op === '!=' || op === '<' || op === '<=';
    let b: Block;
    const tail = [st(LDX | MEM, a1.regno), st(LD | MEM, a0.regno)];
    if (code === JEQ) {
      tail.push(st(ALU | SUB | X));
      b = newBlock(JMP | code);
    } else b = newBlock(JMP | code | X);
    if (reversed) this.not(b);
    b.stmts = [...a0.s, ...a1.s, ...tail];
    this.freeReg(a0.regno);
    this.freeReg(a1.regno);
    let tmp: Block | null;
    if (a0.b) {
      if (a1.b) {
        this.and(a0.b, a1.b);
        tmp = a1.b;
      } else tmp = a0.b;
    } else tmp = a1.b;
    if (tmp) this.and(tmp, b);
    return b;
  }

  // ---- ids ----
  genId(q: Qual, id: IdTok, col: number): Block {
    const { proto, dir, addr } = q;
    switch (id.t) {
      case 'num':
        return this.ncode(null, id.v, q, col);
      case 'hid':
        return this.ncode(id.s, 0, q, col);
      case 'hidmask':
      case 'hidnetmask': {
        const n0 = atoin(id.s);
        if (!n0) throw new FilterError(`invalid IPv4 address '${id.s}'`, col);
        const n = n0.len === 0 ? 0 : (n0.v << (32 - n0.len)) >>> 0;
        let m: number;
        if (id.t === 'hidnetmask') {
          const m0 = atoin(id.mask);
          if (!m0) throw new FilterError(`invalid IPv4 address '${id.mask}'`, col);
          m = m0.len === 0 ? 0 : (m0.v << (32 - m0.len)) >>> 0;
          if ((n & ~m) >>> 0) throw new FilterError(`non-network bits set in "${id.s} mask ${id.mask}"`, col);
        } else {
          if (id.len > 32) throw new FilterError('mask length must be <= 32', col);
          m = id.len === 0 ? 0 : (0xffffffff << (32 - id.len)) >>> 0;
          if ((n & ~m) >>> 0) throw new FilterError(`non-network bits set in "${id.s}/${id.len}"`, col);
        }
        if (addr !== 'net') throw new FilterError('Mask syntax for networks only', col);
        return this.host(n, m, proto, dir, true, col);
      }
      case 'hid6': {
        const a = parseIPv6(id.s);
        if (!a) throw new FilterError(`invalid ip6 address ${id.s}`, col);
        if (id.len > 128) throw new FilterError('mask length must be <= 128', col);
        const m = [0, 0, 0, 0];
        for (let i = 0; i < 4; i++) {
          const bits = Math.max(0, Math.min(32, id.len - 32 * i));
          m[i] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        }
        if (a.some((w, i) => (w & ~m[i]!) >>> 0)) throw new FilterError(`non-network bits set in "${id.s}/${id.len}"`, col);
        if (addr === 'default' || addr === 'host') {
          if (id.len !== 128) throw new FilterError('Mask syntax for networks only', col);
        } else if (addr !== 'net') throw new FilterError('invalid qualifier against IPv6 address', col);
        return this.host6(a, m, proto, dir, addr === 'net', col);
      }
      case 'eid': {
        if ((addr === 'host' || addr === 'default') && proto === 'link') {
          const e = parseMac(id.s);
          if (!e) throw new FilterError(`bogus ethernet address ${id.s}`, col);
          return this.ehostop(e, dir);
        }
        throw new FilterError('ethernet address used in non-ether expression', col);
      }
      case 'id':
        return this.scode(id.s, q, col);
    }
  }

  ncode(s: string | null, v: number, q: Qual, col: number): Block {
    let vlen = 32;
    if (s !== null && q.proto === 'decnet') {
      // __pcap_atodn(): "area.node"
      const m = /^(-?\d+)\.(-?\d+)/.exec(s);
      if (!m) throw new FilterError(`malformed decnet address '${s}'`, col);
      v = ((Number(m[1]) << 10) & 0o176000) | (Number(m[2]) & 0o1777);
      if (q.addr === 'default' || q.addr === 'host' || q.addr === 'net') return this.dnhostop(v, q.dir);
    } else if (s === null && q.proto === 'decnet' && (q.addr === 'default' || q.addr === 'host' || q.addr === 'net')) {
      return this.dnhostop(v, q.dir);
    } else if (s !== null) {
      const r = atoin(s);
      if (!r) throw new FilterError(`invalid IPv4 address '${s}'`, col);
      v = r.v;
      vlen = r.len;
    }
    switch (q.addr) {
      case 'default':
      case 'host':
      case 'net': {
        if (q.proto === 'link') throw new FilterError('illegal link layer address', col);
        let mask = 0xffffffff;
        if (s === null && q.addr === 'net') {
          while (v && (v & 0xff000000) === 0) {
            v = (v << 8) >>> 0;
            mask = (mask << 8) >>> 0;
          }
        } else {
          v = vlen === 0 ? 0 : (v << (32 - vlen)) >>> 0;
          mask = vlen === 0 ? 0 : (mask << (32 - vlen)) >>> 0;
        }
        return this.host(v >>> 0, mask >>> 0, q.proto, q.dir, q.addr === 'net', col);
      }
      case 'port':
      case 'portrange': {
        const pr = portProto(q.proto, q.addr, col);
        if (v > 65535) throw new FilterError(`illegal port number ${v} > 65535`, col);
        if (q.addr === 'port') {
          const b = this.port(v, pr, q.dir, false);
          this.or(this.port(v, pr, q.dir, true), b);
          return b;
        }
        const b = this.portrange(v, v, pr, q.dir, false);
        this.or(this.portrange(v, v, pr, q.dir, true), b);
        return b;
      }
      case 'proto':
        return this.proto(v, q.proto, col, q.dir);
      case 'gateway':
        throw new FilterError("'gateway' requires a name", col);
      case 'protochain':
        return this.protochain(v, q.proto, col);
    }
  }

  scode(name: string, q: Qual, col: number): Block {
    switch (q.addr) {
      case 'net':
      case 'default':
      case 'host':
        // bpfplay resolves no names (no /etc/hosts, /etc/networks, /etc/ethers, DNS): libpcap's texts for unknown names
        if (q.addr === 'net') throw new FilterError(`unknown network '${name}'`, col);
        if (q.proto === 'link') throw new FilterError(`unknown ether host '${name}'`, col);
        throw new FilterError(`unknown host '${name}'`, col);
      case 'port': {
        if (q.proto !== 'default' && q.proto !== 'udp' && q.proto !== 'tcp' && q.proto !== 'sctp') throw new FilterError("illegal qualifier of 'port'", col);
        const r = nameToPort(name);
        if (!r) throw new FilterError(`unknown port '${name}'`, col);
        let real = r.proto;
        if (q.proto === 'udp') {
          if (real === IPPROTO.TCP) throw new FilterError(`port '${name}' is tcp`, col);
          real = IPPROTO.UDP;
        }
        if (q.proto === 'tcp') {
          if (real === IPPROTO.UDP) throw new FilterError(`port '${name}' is udp`, col);
          real = IPPROTO.TCP;
        }
        if (q.proto === 'sctp') {
          if (real === IPPROTO.UDP || real === IPPROTO.TCP) throw new FilterError(`port '${name}' is ${real === IPPROTO.UDP ? 'udp' : 'tcp'}`, col);
          real = IPPROTO.SCTP;
        }
        if (r.port > 65535) throw new FilterError(`illegal port number ${r.port} > 65535`, col);
        const b = this.port(r.port, real, q.dir, false);
        this.or(this.port(r.port, real, q.dir, true), b);
        return b;
      }
      case 'portrange': {
        if (q.proto !== 'default' && q.proto !== 'udp' && q.proto !== 'tcp' && q.proto !== 'sctp') throw new FilterError("illegal qualifier of 'portrange'", col);
        const m = /^([^-]+)-([^-]+)$/.exec(name);
        const p1 = m ? nameToPort(m[1]!) : null;
        const p2 = m ? nameToPort(m[2]!) : null;
        if (!p1 || !p2) throw new FilterError(`unknown port in range '${name}'`, col);
        let real: number | null = p1.proto === p2.proto ? p1.proto : null;
        if (q.proto === 'udp') real = IPPROTO.UDP;
        if (q.proto === 'tcp') real = IPPROTO.TCP;
        if (q.proto === 'sctp') real = IPPROTO.SCTP;
        for (const p of [p1.port, p2.port]) if (p > 65535) throw new FilterError(`illegal port number ${p} > 65535`, col);
        const b = this.portrange(p1.port, p2.port, real, q.dir, false);
        this.or(this.portrange(p1.port, p2.port, real, q.dir, true), b);
        return b;
      }
      case 'proto': {
        const v = q.proto === 'link' ? ETHER_PROTO_NAMES[name] : IP_PROTO_NAMES[name];
        if (v === undefined) {
          if (q.proto === 'ip') throw new FilterError(`unknown ip proto '${name}'`, col);
          if (q.proto === 'ip6') throw new FilterError(`unknown ip6 proto '${name}'`, col);
          if (q.proto === 'link') throw new FilterError(`unknown ether proto '${name}'`, col);
          throw new FilterError(`unknown protocol: ${name}`, col);
        }
        return this.proto(v, q.proto, col, q.dir);
      }
      case 'gateway':
        // libpcap built with IPv6 support (as Debian's is) has no 'gateway'
        throw new FilterError("'gateway' not supported in this configuration", col);
      case 'protochain': {
        const v = IP_PROTO_NAMES[name];
        if (v === undefined) throw new FilterError(`unknown protocol: ${name}`, col);
        return this.protochain(v, q.proto, col);
      }
    }
  }

  /** gen_protochain(): walk IPv6 extension headers / AH in a loop until protocol v (or none). */
  protochain(v: number, proto: Proto, col: number): Block {
    const reg2 = this.allocReg(col);
    if (proto === 'default') {
      const b0 = this.protochain(v, 'ip', col);
      const b = this.protochain(v, 'ip6', col);
      this.or(b0, b);
      return b;
    }
    if (proto !== 'ip' && proto !== 'ip6') throw new FilterError("bad protocol applied for 'protochain'", col);
    this.noOptimize = true;
    const nl = this.offLinkpl + this.offNl;
    const s: Stmt[] = [];
    const add = (code: number, k = 0): Stmt => {
      const x = st(code, k);
      s.push(x);
      return x;
    };
    let b0: Block;
    if (proto === 'ip') {
      b0 = this.linktype(ETHERTYPE.IP);
      add(LD | ABS | B, nl + 9);
      add(LDX | MSH | B, nl);
    } else {
      b0 = this.linktype(ETHERTYPE.IPV6);
      add(LD | ABS | B, nl + 6);
      add(LDX | IMM, 40);
    }
    const again = s.length;
    const fix5 = add(JMP | JEQ, v);
    const fix2 = add(JMP | JEQ, 59); // IPPROTO_NONE
    fix5.jf = fix2;
    let fix3: Stmt | null = null;
    if (proto === 'ip6') {
      const v6: Stmt[] = [];
      let prev = fix2;
      for (const nh of [0, 60, 43, 44]) { // HOPOPTS, DSTOPTS, ROUTING, FRAGMENT
        const j = add(JMP | JEQ, nh);
        prev.jf = j;
        prev = j;
        v6.push(j);
      }
      fix3 = prev;
      const v6advance = add(LD | IND | B, nl);
      add(ST, reg2);
      add(LD | IND | B, nl + 1);
      add(ALU | ADD, 1);
      add(ALU | MUL, 8);
      add(ALU | ADD | X);
      add(MISC | TAX);
      add(LD | MEM, reg2);
      add(JMP, again - s.length - 1);
      for (const j of v6) j.jt = v6advance;
    } else {
      fix2.jf = add(ALU | ADD, 0);
    }
    const ahcheck = add(JMP | JEQ, 51); // IPPROTO_AH
    if (fix3) fix3.jf = ahcheck;
    ahcheck.jt = add(MISC | TXA);
    add(LD | IND | B, nl);
    add(ST, reg2);
    add(MISC | TXA);
    add(ALU | ADD, 1);
    add(MISC | TAX);
    add(LD | IND | B, nl);
    add(ALU | ADD, 2);
    add(ALU | MUL, 4);
    add(MISC | TAX);
    add(LD | MEM, reg2);
    add(JMP, again - s.length - 1);
    const end = add(ALU | ADD, 0);
    fix2.jt = end;
    ahcheck.jf = end;
    fix5.jt = end;
    const b = newBlock(JMP | JEQ, v);
    b.stmts = s;
    this.freeReg(reg2);
    this.and(b0, b);
    return b;
  }

  vlan(n: number | null, col: number): Block {
    if (this.labelStackDepth > 0) throw new FilterError('no VLAN match after MPLS', col);
    let b0 = this.linktype(ETHERTYPE.VLAN);
    let b1 = this.linktype(ETHERTYPE.QINQ_AD);
    this.or(b0, b1);
    b0 = b1;
    b1 = this.linktype(ETHERTYPE.QINQ);
    this.or(b0, b1);
    b0 = b1;
    if (n !== null) {
      if (n > 0x0fff) throw new FilterError(`VLAN tag ${n} greater than maximum 4095`, col);
      const b2 = this.mcmp('linkpl', 0, H, n, 0x0fff);
      this.and(b0, b2);
      b0 = b2;
    }
    this.offLinkpl += 4;
    this.offLinktype += 4;
    this.vlanStackDepth++;
    return b0;
  }
  mpls(n: number | null, col: number): Block {
    let b0: Block;
    if (this.labelStackDepth > 0) b0 = this.mcmp('prevmplshdr', 2, B, 0, 0x01);
    else b0 = this.linktype(ETHERTYPE.MPLS, col);
    if (n !== null) {
      if (n > 0xfffff) throw new FilterError(`MPLS label ${n} greater than maximum 1048575`, col);
      const b1 = this.mcmp('linkpl', 0, W, (n << 12) >>> 0, 0xfffff000);
      this.and(b0, b1);
      b0 = b1;
    }
    this.offNlNosnap += 4;
    this.offNl += 4;
    this.labelStackDepth++;
    return b0;
  }
  pppoes(n: number | null, col: number): Block {
    let b0 = this.linktype(ETHERTYPE.PPPOES, col);
    if (n !== null) {
      if (n > 0xffff) throw new FilterError(`PPPoE session number ${n} greater than maximum 65535`, col);
      const b1 = this.mcmp('linkpl', 0, W, n, 0x0000ffff);
      this.and(b0, b1);
      b0 = b1;
    }
    const hdr = this.offLinkpl + this.offNl + 6;
    this.offLinkhdr = hdr;
    this.offLinktype = hdr;
    this.offLinkpl = hdr + 2;
    this.offNl = 0;
    this.offNlNosnap = 0;
    this.pppoe = true;
    return b0;
  }

  broadcast(proto: Proto, col: number): Block {
    if (proto === 'default' || proto === 'link') return this.ehostop([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'dst');
    if (proto === 'ip') throw new FilterError("netmask not known, so 'ip broadcast' not supported", col);
    throw new FilterError('only link-layer/IP broadcast filters supported', col);
  }
  multicast(proto: Proto, col: number): Block {
    if (proto === 'default' || proto === 'link') {
      const b = newBlock(JMP | JSET, 1);
      b.stmts = this.loadA('linkhdr', 0, B);
      return b;
    }
    if (proto === 'ip') {
      const b0 = this.linktype(ETHERTYPE.IP);
      const b1 = this.ncmp('linkpl', 16, B, 0xffffffff, JGE, false, 224);
      this.and(b0, b1);
      return b1;
    }
    if (proto === 'ip6') {
      const b0 = this.linktype(ETHERTYPE.IPV6);
      const b1 = this.cmp('linkpl', 24, B, 255);
      this.and(b0, b1);
      return b1;
    }
    throw new FilterError('link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel', col);
  }

  genExpr(e: Expr): Block {
    switch (e.k) {
      case 'and':
      case 'or': {
        const a = this.genExpr(e.a);
        const b = this.genExpr(e.b);
        if (e.k === 'and') this.and(a, b);
        else this.or(a, b);
        return b;
      }
      case 'not': {
        const b = this.genExpr(e.a);
        this.not(b);
        return b;
      }
      case 'id':
        return this.genId(e.q, e.id, e.col);
      case 'abbrev':
        return this.protoAbbrev(e.proto, e.col);
      case 'rel':
        return this.relation(e.op, e.a, e.b);
      case 'broadcast':
        return this.broadcast(e.proto, e.col);
      case 'multicast':
        return this.multicast(e.proto, e.col);
      case 'less': {
        const b = newBlock(JMP | JGT, e.n);
        b.stmts = [st(LD | LEN)];
        this.not(b);
        return b;
      }
      case 'greater': {
        const b = newBlock(JMP | JGE, e.n);
        b.stmts = [st(LD | LEN)];
        return b;
      }
      case 'vlan':
        return this.vlan(e.n, e.col);
      case 'mpls':
        return this.mpls(e.n, e.col);
      case 'pppoes':
        return this.pppoes(e.n, e.col);
      case 'pppoed':
        return this.linktype(ETHERTYPE.PPPOED);
      case 'llc':
        return this.llcExpr(e.sub, e.col);
      case 'inbound':
      case 'outbound': {
        // Linux: skb->pkt_type through the SKF_AD_PKTTYPE ancillary load; outbound is PACKET_OUTGOING (4)
        const b = this.cmp('linkhdr', (SKF_AD_PKTTYPE_OFF) >>> 0, H, 4);
        if (e.k === 'inbound') this.not(b);
        return b;
      }
      case 'ifindex':
        return this.cmp('linkhdr', SKF_AD_IFINDEX_OFF >>> 0, W, e.n);
      case 'byte':
        return this.byteop(e.op, e.idx, e.v);
    }
  }

  /** gen_byteop(): `byte IDX OP VAL` on link-header bytes. */
  byteop(op: string, idx: number, val: number): Block {
    if (op === '=') return this.cmp('linkhdr', idx, B, val);
    if (op === '<') return this.ncmp('linkhdr', idx, B, 0xffffffff, JGE, true, val);
    if (op === '>') return this.ncmp('linkhdr', idx, B, 0xffffffff, JGT, false, val);
    const b = newBlock(JMP | JEQ);
    b.stmts = [st(ALU | (op === '|' ? OR : AND), val)];
    this.not(b);
    return b;
  }

  /** `llc`, `llc i|s|u`, `llc <S or U subtype>` (gen_llc_*). */
  llcExpr(sub: string | null, col: number): Block {
    const S: Record<string, number> = { rr: 0x01, rnr: 0x05, rej: 0x09 };
    const U: Record<string, number> = { ui: 0x03, ua: 0x63, disc: 0x43, dm: 0x0f, sabme: 0x6f, test: 0xe3, xid: 0xaf, frmr: 0x87 };
    const b0 = this.llc();
    if (sub === null) return b0;
    let b1: Block;
    if (sub === 'i') {
      b1 = newBlock(JMP | JSET, 0x01);
      b1.stmts = this.loadA('llc', 2, B);
      this.not(b1);
    } else if (sub === 's') b1 = this.mcmp('llc', 2, B, 1, 0x03);
    else if (sub === 'u') b1 = this.mcmp('llc', 2, B, 3, 0x03);
    else if (sub in S) b1 = this.mcmp('llc', 2, B, S[sub]!, 0x0f);
    else if (sub in U) b1 = this.mcmp('llc', 2, B, U[sub]!, 0xef);
    else throw new FilterError(`unknown LLC type name "${sub}"`, col);
    this.and(b0, b1);
    return b1;
  }

  /** finish_parse(): the two return blocks; returns the root. */
  finish(p: Block): Block {
    this.backpatch(p, newBlock(RET, this.snaplen));
    p.sense = !p.sense;
    this.backpatch(p, newBlock(RET, 0));
    return p.head;
  }
}

function portProto(proto: Proto, what: string, col: number): number | null {
  if (proto === 'udp') return IPPROTO.UDP;
  if (proto === 'tcp') return IPPROTO.TCP;
  if (proto === 'sctp') return IPPROTO.SCTP;
  if (proto === 'default') return null;
  throw new FilterError(`illegal qualifier of '${what}'`, col);
}

function nameToPort(name: string): { port: number; proto: number | null } | null {
  if (/^\d+$/.test(name)) return { port: Number(name), proto: null };
  const s = SERVICES[name.toLowerCase()];
  if (!s) return null;
  return { port: s.port, proto: s.tcp && s.udp ? null : s.tcp ? IPPROTO.TCP : IPPROTO.UDP };
}

/** __pcap_atoin(): dotted quad prefix -> value and bit length. */
function atoin(s: string): { v: number; len: number } | null {
  const parts = s.split('.');
  let v = 0;
  let len = 0;
  for (const p of parts) {
    const n = /^0x/i.test(p) ? parseInt(p, 16) : /^\d+$/.test(p) ? Number(p) : NaN;
    if (Number.isNaN(n) || n > 255) return null;
    v = ((v << 8) | n) >>> 0;
    len += 8;
  }
  if (len > 32) return null;
  return { v, len };
}

function parseMac(s: string): number[] | null {
  const hex = s.replace(/[:.-]/g, '');
  if (/[:.-]/.test(s)) {
    const parts = s.split(/[:.-]/);
    if (parts.length === 6) return parts.map((p) => parseInt(p, 16));
    if (parts.length === 3) return parts.flatMap((p) => [parseInt(p.slice(0, 2), 16), parseInt(p.slice(2), 16)]);
    return null;
  }
  if (hex.length !== 12) return null;
  return [0, 2, 4, 6, 8, 10].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** IPv6 text -> four host-order u32 words (network order of the address). */
export function parseIPv6(s: string): number[] | null {
  let str = s;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4) {
    const q = v4[1]!.split('.').map(Number);
    if (q.some((x) => x > 255)) return null;
    tail = [(q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!];
    str = str.slice(0, -v4[1]!.length) + (str.endsWith('::' + v4[1]) ? '' : '');
    if (str.endsWith(':') && !str.endsWith('::')) str = str.slice(0, -1);
  }
  const halves = str.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => (h === '' ? [] : h.split(':').map((x) => (/^[0-9a-f]{1,4}$/i.test(x) ? parseInt(x, 16) : NaN)));
  const a = parse(halves[0]!);
  const b = halves.length === 2 ? parse(halves[1]!) : [];
  if (!a || !b || a.some(Number.isNaN) || b.some(Number.isNaN)) return null;
  const total = a.length + b.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (total > 7) return null;
    groups = [...a, ...new Array<number>(8 - total).fill(0), ...b, ...tail];
  } else {
    if (total !== 8) return null;
    groups = [...a, ...tail];
  }
  return [0, 1, 2, 3].map((i) => ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0);
}

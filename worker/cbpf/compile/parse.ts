// pcap-filter expression text -> syntax tree, with the column of any bad token.
// Follows libpcap 1.10's scanner.l and grammar.y: `and`/`or` share one precedence and associate
// left to right; `not` binds tighter; a bare id after and/or inherits the previous qualifiers
// (`host a or b`); arithmetic precedence | < & < shifts < + - < * / % (with ^ beside |).
// It does not generate code (gencode.ts does).

export type Proto =
  | 'link' | 'ip' | 'arp' | 'rarp' | 'sctp' | 'tcp' | 'udp' | 'icmp' | 'igmp' | 'igrp' | 'pim' | 'vrrp' | 'carp'
  | 'ip6' | 'icmp6' | 'ah' | 'esp' | 'default'
  | 'atalk' | 'aarp' | 'decnet' | 'lat' | 'sca' | 'moprc' | 'mopdl' | 'stp' | 'ipx' | 'netbeui' | 'iso'
  | 'esis' | 'isis' | 'clnp' | 'l1' | 'l2' | 'iih' | 'lsp' | 'snp' | 'csnp' | 'psnp';
export type Dir = 'default' | 'src' | 'dst' | 'or' | 'and';
export type AddrQ = 'default' | 'host' | 'net' | 'port' | 'portrange' | 'proto' | 'protochain' | 'gateway';
export interface Qual {
  proto: Proto;
  dir: Dir;
  addr: AddrQ;
}

export type IdTok =
  | { t: 'num'; v: number }
  | { t: 'id'; s: string }
  | { t: 'hid'; s: string }
  | { t: 'hidmask'; s: string; len: number }
  | { t: 'hidnetmask'; s: string; mask: string }
  | { t: 'hid6'; s: string; len: number }
  | { t: 'eid'; s: string };

export type Arth =
  | { k: 'num'; v: number }
  | { k: 'len' }
  | { k: 'load'; proto: Proto; index: Arth; size: number; col: number }
  | { k: 'neg'; a: Arth }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>'; a: Arth; b: Arth; col: number };

export type Expr =
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'id'; q: Qual; id: IdTok; col: number }
  | { k: 'abbrev'; proto: Proto; col: number }
  | { k: 'rel'; op: '>' | '>=' | '=' | '!=' | '<' | '<='; a: Arth; b: Arth }
  | { k: 'broadcast' | 'multicast'; proto: Proto; col: number }
  | { k: 'less' | 'greater'; n: number }
  | { k: 'vlan' | 'mpls' | 'pppoes'; n: number | null; col: number }
  | { k: 'pppoed' }
  | { k: 'llc'; sub: string | null; col: number }
  | { k: 'inbound' | 'outbound' }
  | { k: 'ifindex'; n: number }
  | { k: 'byte'; idx: number; op: string; v: number };

export class FilterError {
  constructor(readonly message: string, readonly col: number, readonly endCol?: number) {}
}

type TK = 'num' | 'hid' | 'hid6' | 'eid' | 'id' | 'kw' | 'op' | 'end';
interface Tok {
  k: TK;
  s: string;
  v: number;
  col: number; // 1-based
}

const KEYWORDS = new Set([
  'dst', 'src', 'host', 'net', 'mask', 'port', 'portrange', 'less', 'greater', 'proto', 'protochain', 'link', 'ether',
  'ppp', 'slip', 'fddi', 'tr', 'wlan', 'arp', 'rarp', 'ip', 'sctp', 'tcp', 'udp', 'icmp', 'igmp', 'igrp', 'pim',
  'vrrp', 'carp', 'ip6', 'icmp6', 'ah', 'esp', 'vlan', 'mpls', 'pppoed', 'pppoes', 'broadcast', 'multicast', 'and',
  'or', 'not', 'len', 'length', 'gateway', 'inbound', 'outbound', 'ifindex', 'byte', 'geneve', 'llc',
  'atalk', 'aarp', 'decnet', 'lat', 'sca', 'moprc', 'mopdl', 'stp', 'ipx', 'netbeui', 'iso',
  'esis', 'es-is', 'isis', 'is-is', 'clnp', 'l1', 'l2', 'iih', 'lsp', 'snp', 'csnp', 'psnp',
]);
const NAMED_NUMS: Record<string, number> = {
  icmptype: 0, icmpcode: 1, 'icmp-echoreply': 0, 'icmp-unreach': 3, 'icmp-sourcequench': 4, 'icmp-redirect': 5,
  'icmp-echo': 8, 'icmp-routeradvert': 9, 'icmp-routersolicit': 10, 'icmp-timxceed': 11, 'icmp-paramprob': 12,
  'icmp-tstamp': 13, 'icmp-tstampreply': 14, 'icmp-ireq': 15, 'icmp-ireqreply': 16, 'icmp-maskreq': 17, 'icmp-maskreply': 18,
  icmp6type: 0, icmp6code: 1, 'icmp6-destinationunreach': 1, 'icmp6-packettoobig': 2, 'icmp6-timeexceeded': 3,
  'icmp6-parameterproblem': 4, 'icmp6-echo': 128, 'icmp6-echoreply': 129, 'icmp6-multicastlistenerquery': 130,
  'icmp6-multicastlistenerreportv1': 131, 'icmp6-multicastlistenerdone': 132, 'icmp6-routersolicit': 133,
  'icmp6-routeradvert': 134, 'icmp6-neighborsolicit': 135, 'icmp6-neighboradvert': 136, 'icmp6-redirect': 137,
  tcpflags: 13, 'tcp-fin': 0x01, 'tcp-syn': 0x02, 'tcp-rst': 0x04, 'tcp-push': 0x08, 'tcp-ack': 0x10, 'tcp-urg': 0x20,
  'tcp-ece': 0x40, 'tcp-cwr': 0x80,
};

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const N = '(?:0[xX][0-9A-Fa-f]+|[0-9]+)';
  const B = '[0-9A-Fa-f]{1,2}';
  const reEid = new RegExp(`^(?:${B}:${B}:${B}:${B}:${B}:${B}|${B}-${B}-${B}-${B}-${B}-${B}|${B}\\.${B}\\.${B}\\.${B}\\.${B}\\.${B}|[0-9A-Fa-f]{12}|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})(?![\\w:.-])`);
  const reHid = new RegExp(`^${N}(?:\\.${N}){1,3}(?![\\w-])`);
  const reHid6 = /^(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d+\.\d+\.\d+\.\d+)(?![\w:.])/;
  const reNum = new RegExp(`^${N}(?![\\w.-])`);
  const reId = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?/;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const col = i + 1;
    const two = rest.slice(0, 2);
    if (['>=', '<=', '!=', '==', '<<', '>>', '&&', '||'].includes(two)) {
      toks.push({ k: 'op', s: two, v: 0, col });
      i += 2;
      continue;
    }
    const v6 = reHid6.exec(rest);
    if (c === ':' && v6 && v6[0].includes('::')) {
      toks.push({ k: 'hid6', s: v6[0], v: 0, col });
      i += v6[0].length;
      continue;
    }
    if ('()[]:=<>!&|+-*/%^'.includes(c)) {
      toks.push({ k: 'op', s: c, v: 0, col });
      i++;
      continue;
    }
    if (c === '\\') {
      const m = /^\\([^ !()\n\t]+)/.exec(rest);
      if (m) {
        toks.push({ k: 'id', s: m[1]!, v: 0, col });
        i += m[0].length;
        continue;
      }
    }
    let m: RegExpExecArray | null;
    if ((m = reEid.exec(rest))) {
      toks.push({ k: 'eid', s: m[0], v: 0, col });
      i += m[0].length;
      continue;
    }
    // scanner.l's `{B}:+({B}:+)+` rule: a broken MAC address, unless a longer IPv6 match exists
    const bogus = /^[0-9A-Fa-f]{1,2}:+(?:[0-9A-Fa-f]{1,2}:+)+/.exec(rest);
    const v6m = reHid6.exec(rest);
    if (bogus && !(v6m && v6m[0].length > bogus[0].length && (v6m[0].includes('::') || v6m[0].split(':').length === 8)))
      throw new FilterError(`bogus ethernet address ${bogus[0]}`, col, col + bogus[0].length);
    if ((m = reHid6.exec(rest)) && m[0].includes('::') || (m && m[0].split(':').length === 8)) {
      toks.push({ k: 'hid6', s: m![0], v: 0, col });
      i += m![0].length;
      continue;
    }
    if ((m = reHid.exec(rest))) {
      toks.push({ k: 'hid', s: m[0], v: 0, col });
      i += m[0].length;
      continue;
    }
    if ((m = reNum.exec(rest))) {
      toks.push({ k: 'num', s: m[0], v: Number(m[0]), col });
      i += m[0].length;
      continue;
    }
    if ((m = reId.exec(rest))) {
      const w = m[0];
      const lw = w.toLowerCase();
      if (KEYWORDS.has(lw)) toks.push({ k: 'kw', s: lw, v: 0, col });
      else if (lw in NAMED_NUMS) toks.push({ k: 'num', s: w, v: NAMED_NUMS[lw]!, col });
      else if (w.includes(':')) throw new FilterError(`bogus ethernet address ${w}`, col, col + w.length);
      else toks.push({ k: 'id', s: w, v: 0, col });
      i += w.length;
      continue;
    }
    throw new FilterError(`illegal character '${c}'`, col, col + 1);
  }
  toks.push({ k: 'end', s: '', v: 0, col: src.length + 1 });
  return toks;
}

const PNAMES: Record<string, Proto> = {
  link: 'link', ether: 'link', ppp: 'link', slip: 'link', fddi: 'link', tr: 'link', wlan: 'link', ip: 'ip', arp: 'arp',
  rarp: 'rarp', sctp: 'sctp', tcp: 'tcp', udp: 'udp', icmp: 'icmp', igmp: 'igmp', igrp: 'igrp', pim: 'pim', vrrp: 'vrrp',
  carp: 'carp', ip6: 'ip6', icmp6: 'icmp6', ah: 'ah', esp: 'esp', atalk: 'atalk', aarp: 'aarp', decnet: 'decnet',
  lat: 'lat', sca: 'sca', moprc: 'moprc', mopdl: 'mopdl', stp: 'stp', ipx: 'ipx', netbeui: 'netbeui', iso: 'iso',
  esis: 'esis', 'es-is': 'esis', isis: 'isis', 'is-is': 'isis', clnp: 'clnp', l1: 'l1', l2: 'l2', iih: 'iih', lsp: 'lsp',
  snp: 'snp', csnp: 'csnp', psnp: 'psnp',
};

class Parser {
  p = 0;
  constructor(readonly t: Tok[]) {}
  peek(o = 0): Tok {
    return this.t[Math.min(this.p + o, this.t.length - 1)]!;
  }
  next(): Tok {
    return this.t[this.p++]!;
  }
  isKw(s: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'kw' && t.s === s;
  }
  isOp(s: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'op' && t.s === s;
  }
  syntax(): never {
    const t = this.peek();
    throw new FilterError('syntax error', t.col, t.col + Math.max(1, t.s.length));
  }
  isAnd(): boolean {
    return this.isKw('and') || this.isOp('&&');
  }
  isOr(): boolean {
    return this.isKw('or') || this.isOp('||');
  }
  isNot(): boolean {
    return this.isKw('not') || this.isOp('!');
  }

  // expr: term ((and|or) (term | id))*
  expr(): Expr {
    let lastQ: Qual | null = null;
    let { e, q } = this.term(null);
    lastQ = q;
    for (;;) {
      let op: 'and' | 'or';
      if (this.isAnd()) op = 'and';
      else if (this.isOr()) op = 'or';
      else break;
      this.next();
      const r = this.termOrId(lastQ);
      e = { k: op, a: e, b: r.e };
      lastQ = r.q;
    }
    return e;
  }

  /** After and/or: a term, or a bare id that inherits the qualifiers in force. */
  termOrId(inherit: Qual | null): { e: Expr; q: Qual | null } {
    if (inherit && this.startsBareId()) return this.id(inherit);
    return this.term(inherit);
  }

  startsBareId(): boolean {
    let o = 0;
    while (this.isKw('not', o) || this.isOp('!', o)) o++;
    const t = this.peek(o);
    if (t.k === 'hid' || t.k === 'hid6' || t.k === 'eid' || t.k === 'id') return true;
    if (t.k === 'num') {
      const n = this.peek(o + 1);
      // a number followed by an arithmetic/relational operator starts a relation, not an id
      return !(n.k === 'op' && /^(>|<|>=|<=|=|==|!=|\+|-|\*|\/|%|&|\||\^|<<|>>)$/.test(n.s));
    }
    return false;
  }

  id(q: Qual): { e: Expr; q: Qual } {
    if (this.isNot()) {
      this.next();
      const r = this.id(q);
      return { e: { k: 'not', a: r.e }, q: r.q };
    }
    if (this.isOp('(')) {
      // paren pid ')'
      this.next();
      let r = this.id(q);
      let e = r.e;
      while (this.isAnd() || this.isOr()) {
        const op = this.isAnd() ? 'and' : 'or';
        this.next();
        const r2 = this.id(q);
        e = { k: op, a: e, b: r2.e };
        r = r2;
      }
      if (!this.isOp(')')) this.syntax();
      this.next();
      return { e, q };
    }
    const t = this.next();
    const col = t.col;
    switch (t.k) {
      case 'num':
        return { e: { k: 'id', q, id: { t: 'num', v: t.v }, col }, q };
      case 'id':
        return { e: { k: 'id', q, id: { t: 'id', s: t.s }, col }, q };
      case 'eid':
        return { e: { k: 'id', q, id: { t: 'eid', s: t.s }, col }, q };
      case 'hid6': {
        if (this.isOp('/') && this.peek(1).k === 'num') {
          this.next();
          const n = this.next().v;
          return { e: { k: 'id', q, id: { t: 'hid6', s: t.s, len: n }, col }, q };
        }
        return { e: { k: 'id', q, id: { t: 'hid6', s: t.s, len: 128 }, col }, q };
      }
      case 'hid': {
        if (this.isOp('/') && this.peek(1).k === 'num') {
          this.next();
          const n = this.next().v;
          return { e: { k: 'id', q, id: { t: 'hidmask', s: t.s, len: n }, col }, q };
        }
        if (this.isKw('mask') && this.peek(1).k === 'hid') {
          this.next();
          const m = this.next().s;
          return { e: { k: 'id', q, id: { t: 'hidnetmask', s: t.s, mask: m }, col }, q };
        }
        if (q.addr === 'port' || q.addr === 'portrange' || q.addr === 'proto' || q.addr === 'protochain')
          throw new FilterError(`'${q.addr}' modifier applied to ip host`, col, col + t.s.length);
        return { e: { k: 'id', q, id: { t: 'hid', s: t.s }, col }, q };
      }
      default:
        this.p--;
        this.syntax();
    }
  }

  term(inherit: Qual | null): { e: Expr; q: Qual | null } {
    if (this.isNot()) {
      this.next();
      const r = this.term(inherit);
      return { e: { k: 'not', a: r.e }, q: r.q };
    }
    return this.rterm();
  }

  rterm(): { e: Expr; q: Qual | null } {
    const t = this.peek();
    // Try an arithmetic relation first (it may start with a pname: ip[0] = 1, or '(' : (ip[0]) > 2, or len).
    const save = this.p;
    const rel = this.tryRelation();
    if (rel) return { e: rel, q: null };
    this.p = save;
    if (this.isOp('(')) {
      this.next();
      const e = this.expr();
      if (!this.isOp(')')) this.syntax();
      this.next();
      return { e, q: null };
    }
    if (t.k === 'kw') {
      switch (t.s) {
        case 'less':
        case 'greater': {
          this.next();
          const n = this.peek();
          if (n.k !== 'num') this.syntax();
          this.next();
          return { e: { k: t.s, n: n.v }, q: null };
        }
        case 'vlan':
        case 'mpls':
        case 'pppoes': {
          this.next();
          if (this.peek().k === 'num') return { e: { k: t.s, n: this.next().v, col: t.col }, q: null };
          return { e: { k: t.s, n: null, col: t.col }, q: null };
        }
        case 'pppoed':
          this.next();
          return { e: { k: 'pppoed' }, q: null };
        case 'broadcast':
        case 'multicast':
          this.next();
          return { e: { k: t.s, proto: 'default', col: t.col }, q: null };
        case 'inbound':
        case 'outbound':
          this.next();
          return { e: { k: t.s }, q: null };
        case 'ifindex': {
          this.next();
          const n = this.peek();
          if (n.k !== 'num') this.syntax();
          this.next();
          return { e: { k: 'ifindex', n: n.v }, q: null };
        }
        case 'byte': {
          // CBYTE NUM byteop NUM
          this.next();
          const idx = this.peek();
          if (idx.k !== 'num') this.syntax();
          this.next();
          const op = this.peek();
          if (op.k !== 'op' || !['&', '|', '<', '>', '='].includes(op.s)) this.syntax();
          this.next();
          const v = this.peek();
          if (v.k !== 'num') this.syntax();
          this.next();
          return { e: { k: 'byte', idx: idx.v, op: op.s, v: v.v }, q: null };
        }
        case 'llc': {
          this.next();
          const n = this.peek();
          if (n.k === 'id') {
            this.next();
            return { e: { k: 'llc', sub: n.s.toLowerCase(), col: n.col }, q: null };
          }
          return { e: { k: 'llc', sub: null, col: t.col }, q: null };
        }
        case 'geneve':
          throw new FilterError(`'${t.s}' is not supported by bpfplay's compiler`, t.col, t.col + t.s.length);
      }
    }
    // head id | pname | pqual broadcast/multicast
    let proto: Proto = 'default';
    const pt = this.peek();
    if (pt.k === 'kw' && pt.s in PNAMES) {
      proto = PNAMES[pt.s]!;
      this.next();
    }
    if (this.isKw('broadcast') || this.isKw('multicast')) {
      const b = this.next();
      return { e: { k: b.s as 'broadcast', proto, col: b.col }, q: null };
    }
    let dir: Dir = 'default';
    let addr: AddrQ = 'default';
    let hasHead = proto !== 'default';
    if (this.isKw('src') || this.isKw('dst')) {
      const d1 = this.next().s as 'src' | 'dst';
      dir = d1;
      hasHead = true;
      if ((this.isKw('or') || this.isKw('and')) && (this.isKw(d1 === 'src' ? 'dst' : 'src', 1))) {
        dir = this.next().s as 'or' | 'and';
        this.next();
      }
    }
    const a = this.peek();
    if (a.k === 'kw' && ['host', 'net', 'port', 'portrange', 'proto', 'protochain', 'gateway'].includes(a.s)) {
      if (dir !== 'default' && (a.s === 'proto' || a.s === 'protochain' || a.s === 'gateway')) this.syntax();
      addr = a.s as AddrQ;
      this.next();
      hasHead = true;
    }
    if (!hasHead) this.syntax();
    if (proto !== 'default' && dir === 'default' && addr === 'default') {
      // pname alone, unless an id follows (`ether 00:..` is not valid; `ip host` needs the host keyword)
      return { e: { k: 'abbrev', proto, col: pt.col }, q: null };
    }
    const q: Qual = { proto, dir, addr };
    const r = this.id(q);
    return { e: r.e, q };
  }

  tryRelation(): Expr | null {
    try {
      const a = this.arth();
      const t = this.peek();
      if (t.k !== 'op') return null;
      const map: Record<string, '>' | '>=' | '=' | '!=' | '<' | '<='> = { '>': '>', '>=': '>=', '=': '=', '==': '=', '!=': '!=', '<': '<', '<=': '<=' };
      const op = map[t.s];
      if (!op) return null;
      this.next();
      const b = this.arth();
      return { k: 'rel', op, a, b };
    } catch (e) {
      if (e instanceof FilterError && e.message === '__norel') return null;
      throw e;
    }
  }

  // arth with precedence climbing
  arth(minPrec = 0): Arth {
    let left = this.arthPrimary();
    const PREC: Record<string, number> = { '|': 1, '^': 1, '&': 2, '<<': 3, '>>': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5 };
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || !(t.s in PREC)) break;
      const pr = PREC[t.s]!;
      if (pr < minPrec) break;
      // `!` `&&` `||` are not arithmetic
      this.next();
      const right = this.arth(pr + 1);
      left = { k: 'bin', op: t.s as '+', a: left, b: right, col: t.col };
    }
    return left;
  }

  arthPrimary(): Arth {
    const t = this.peek();
    if (t.k === 'num') {
      this.next();
      return { k: 'num', v: t.v };
    }
    if (t.k === 'kw' && (t.s === 'len' || t.s === 'length')) {
      this.next();
      return { k: 'len' };
    }
    if (t.k === 'op' && t.s === '-') {
      this.next();
      return { k: 'neg', a: this.arth(6) };
    }
    if (t.k === 'op' && t.s === '(') {
      this.next();
      const a = this.arth();
      if (!this.isOp(')')) throw new FilterError('__norel', t.col);
      this.next();
      return a;
    }
    if (t.k === 'kw' && t.s in PNAMES && this.isOp('[', 1)) {
      this.next();
      this.next();
      const index = this.arth();
      let size = 1;
      if (this.isOp(':')) {
        this.next();
        const n = this.peek();
        if (n.k !== 'num') this.syntax();
        this.next();
        size = n.v;
      }
      if (!this.isOp(']')) this.syntax();
      this.next();
      return { k: 'load', proto: PNAMES[t.s]!, index, size, col: t.col };
    }
    throw new FilterError('__norel', t.col);
  }
}

export function parseFilter(src: string): Expr | null {
  const toks = lex(src);
  if (toks.length === 1) return null; // empty expression: accept everything
  const p = new Parser(toks);
  const e = p.expr();
  if (p.peek().k !== 'end') p.syntax();
  return e;
}

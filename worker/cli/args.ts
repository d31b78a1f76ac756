// Command-line argument parsing for the bpfplay CLI: flags with values, boolean flags, positionals.
// Usage errors are values (the caller prints them and exits 2), never exceptions.

export interface FlagSpec {
  /** Flags that take a value, e.g. ['--type', '--data']. */
  value: readonly string[];
  /** Flags without a value. */
  bool: readonly string[];
  /** Short aliases, e.g. { '-o': '--out' }. */
  alias?: Readonly<Record<string, string>>;
  /** Flags that may repeat (values collected in order). */
  repeat?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  bools: Set<string>;
}

export type ParseResult = { ok: true; args: ParsedArgs } | { ok: false; error: string };

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParseResult {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    a = spec.alias?.[a] ?? a;
    if (spec.bool.includes(a)) {
      if (inline !== undefined) return { ok: false, error: `${a} takes no value` };
      bools.add(a);
      continue;
    }
    if (spec.value.includes(a)) {
      const v = inline ?? argv[++i];
      if (v === undefined) return { ok: false, error: `${a} needs a value` };
      const prev = flags.get(a);
      if (prev && !spec.repeat?.includes(a)) return { ok: false, error: `${a} given twice` };
      flags.set(a, [...(prev ?? []), v]);
      continue;
    }
    return { ok: false, error: `unknown option ${a}` };
  }
  return { ok: true, args: { positionals, flags, bools } };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

/** A non-negative integer flag, or an error message. */
export function intFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined | { error: string } {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) return { error: `${name} expects a whole number, got '${v}'` };
  const n = Number(v);
  if (n < min || n > max) return { error: `${name} must be between ${min} and ${max}, got ${n}` };
  return n;
}

/** Parses hex bytes tolerantly: spaces, newlines, colons and an optional 0x prefix are allowed. */
export function parseHex(text: string, what: string): Uint8Array | { error: string } {
  let t = text.trim();
  if (t.startsWith('0x') || t.startsWith('0X')) t = t.slice(2);
  t = t.replace(/[\s:]/g, '');
  const bad = t.search(/[^0-9a-fA-F]/);
  if (bad >= 0) return { error: `${what}: '${t[bad]}' at hex digit ${bad} is not a hex digit` };
  if (t.length % 2) return { error: `${what}: odd number of hex digits (${t.length})` };
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

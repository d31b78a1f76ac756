// The LLVM-dialect lexer: comments keep columns, strings keep comment characters, the signed operators.
import { describe, expect, it } from 'vitest';
import { lexLine, parseNumber, stripComments } from './lex';

const texts = (s: string): string[] => {
  const r = lexLine(s);
  if ('error' in r) throw new Error(r.error);
  return r.toks.map((t) => t.text);
};

describe('stripComments', () => {
  it('removes #, //, ; and /* */ and keeps columns', () => {
    const st = { inBlock: false };
    expect(stripComments('r0 = 1 # c', st)).toBe('r0 = 1 ');
    expect(stripComments('r0 = 1 // c', st)).toBe('r0 = 1 ');
    expect(stripComments('r0 = 1 ; R0_w=1', st)).toBe('r0 = 1 ');
    expect(stripComments('r0 /* x */ = 1', st)).toBe('r0         = 1');
    expect(stripComments('a /* open', st)).toBe('a' + ' '.repeat(8));
    expect(st.inBlock).toBe(true);
    expect(stripComments('still */ b', st)).toBe('         b');
    expect(st.inBlock).toBe(false);
  });
  it('keeps comment characters inside strings and in name#id', () => {
    const st = { inBlock: false };
    expect(stripComments('.asciz "a#b;c//d" # x', st)).toBe('.asciz "a#b;c//d" ');
    expect(stripComments('call bpf_map_lookup_elem#1 # c', st)).toBe('call bpf_map_lookup_elem#1 ');
  });
});

describe('lexLine', () => {
  it.each([
    ['if r1 s>= r2 goto +1', ['if', 'r1', 's>=', 'r2', 'goto', '+', '1']],
    ['r1 s>>= 3', ['r1', 's>>=', '3']],
    ['w1 s/= w2', ['w1', 's/=', 'w2']],
    ['r0 = *(u32 *)(r1 + 4)', ['r0', '=', '*', '(', 'u32', '*', ')', '(', 'r1', '+', '4', ')']],
    ['r1 <<= 2', ['r1', '<<=', '2']],
    ['goto s', ['goto', 's']],
    ['s: exit', ['s', ':', 'exit']],
    ['call bpf_trace_printk#6', ['call', 'bpf_trace_printk#6']],
    ['.section "kprobe/x","ax"', ['.section', '"kprobe/x"', ',', '"ax"']],
  ])('%s', (s, want) => {
    expect(texts(s)).toEqual(want);
  });
  it('columns are 1-based', () => {
    const r = lexLine('  r1 = 5');
    expect('toks' in r && r.toks.map((t) => t.col)).toEqual([3, 6, 8]);
  });
  it('reports bad characters and numbers with their column', () => {
    expect(lexLine('r1 = `')).toEqual({ error: "unexpected character '`'", col: 6 });
    expect(lexLine('r1 = 0xg')).toEqual({ error: 'invalid number 0xg', col: 6 });
    expect(lexLine('.ascii "abc')).toEqual({ error: 'unterminated string', col: 8 });
  });
});

describe('parseNumber', () => {
  it.each([
    ['0', 0n], ['42', 42n], ['0x2a', 42n], ['0X2A', 42n], ['0b101', 5n], ['017', 15n], ['18446744073709551615', 2n ** 64n - 1n],
  ])('%s', (s, v) => expect(parseNumber(s)).toBe(v));
  it.each(['08', '0x', '1a', '0b2'])('%s is not a number', (s) => expect(parseNumber(s)).toBeNull());
});

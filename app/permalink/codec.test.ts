import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePermalink, encodePermalink, toBase64Url } from './codec';
import { defaultExperiment, diffFromDefaults } from './experiment';

describe('permalink codec', () => {
  it('round-trips the non-default fields', () => {
    const d = defaultExperiment('seed');
    const e = { ...d, source: 'r0 = 2\nexit\n', breakpoints: [3, 1], packets: [{ name: 'a', hex: '0011' }], cursor: { packet: 0, step: 4 } };
    const fields = diffFromDefaults(e, d);
    expect(Object.keys(fields).sort()).toEqual(['breakpoints', 'cursor', 'packets', 'source']);
    const r = decodePermalink(encodePermalink(fields));
    expect(r).toEqual({ kind: 'experiment', exp: { ...fields, breakpoints: [1, 3] }, problems: [] });
  });

  it('keeps decoding a frozen v1 link', () => {
    const frozen = '#v1/FclBCoAgEEbhq8S_dlEthW7RrlqUDSGCDqOCId492z3eVxFDFkPQkHFYhmn3VGzaPRRYwrO-_Fu5uY9L6HQcrE8RepsPBZMlBoGu4NM4StCTQkzEPVr7AA';
    expect(decodePermalink(frozen)).toEqual({
      kind: 'experiment', problems: [],
      exp: { source: 'r0 = 1\nexit\n', progType: 'xdp', breakpoints: [2], cursor: { packet: 1, step: 1 } },
    });
  });

  it('handles a link above 100 KB', () => {
    let src = '';
    let x = 12345;
    while (src.length < 400_000) { x = (x * 1103515245 + 12345) >>> 0; src += `r${x % 10} = ${x}\n`; }
    const hash = encodePermalink({ source: src });
    expect(hash.length).toBeGreaterThan(100_000);
    const r = decodePermalink(hash);
    expect(r.kind === 'experiment' && r.exp.source === src).toBe(true);
  });

  it.each([
    ['#garbage', 'not a bpfplay permalink'],
    ['#v9/abc', 'newer bpfplay'],
    ['#v1/!!!', 'not valid base64url'],
    ['#v1/AAAA', 'corrupt'],
    [`#v1/${toBase64Url(deflateSync(strToU8('{not json')))}`, 'not valid JSON'],
    [`#v1/${toBase64Url(deflateSync(strToU8('[1,2]')))}`, 'holds no experiment'],
    [`#v1/${toBase64Url(deflateSync(new Uint8Array(17 * 1024 * 1024)))}`, 'too much data'],
  ])('refuses %s', (hash, msg) => {
    const r = decodePermalink(hash);
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toContain(msg);
  });

  it('drops hostile field values but keeps the good ones', () => {
    const bad = { source: 'exit', progType: '<img src=x>', breakpoints: [1, -3], packets: [{ name: 'x', hex: 'zz' }], __proto__: { polluted: 1 } };
    const r = decodePermalink(`#v1/${toBase64Url(deflateSync(strToU8(JSON.stringify(bad))))}`);
    expect(r.kind === 'experiment' && r.exp).toEqual({ source: 'exit' });
    expect(r.kind === 'experiment' && r.problems.sort()).toEqual(['breakpoints', 'packets', 'progType']);
  });

  it('carries the unprivileged verifier mode only when it is on', () => {
    const d = defaultExperiment('seed');
    expect(diffFromDefaults({ ...d }, d)).toEqual({});
    const fields = diffFromDefaults({ ...d, unpriv: true }, d);
    expect(fields).toEqual({ unpriv: true });
    expect(decodePermalink(encodePermalink(fields))).toEqual({ kind: 'experiment', exp: { unpriv: true }, problems: [] });
    // a link without it (every link made before it existed) keeps the privileged default
    const old = decodePermalink('#v1/FclBCoAgEEbhq8S_dlEthW7RrlqUDSGCDqOCId492z3eVxFDFkPQkHFYhmn3VGzaPRRYwrO-_Fu5uY9L6HQcrE8RepsPBZMlBoGu4NM4StCTQkzEPVr7AA');
    expect(old.kind === 'experiment' && 'unpriv' in old.exp).toBe(false);
    const bad = decodePermalink(`#v1/${toBase64Url(deflateSync(strToU8(JSON.stringify({ source: 'exit', unpriv: 'yes' }))))}`);
    expect(bad).toEqual({ kind: 'experiment', exp: { source: 'exit' }, problems: ['unpriv'] });
  });

  it('carries the attach point (direction, ifindex, LWT route) only when set; drops a malformed one', () => {
    const d = defaultExperiment('seed');
    const attach = { direction: 'egress' as const, ifindex: 7, route: '198.51.100.0/24' };
    const fields = diffFromDefaults({ ...d, progType: 'lwt_out', attach }, d);
    expect(fields).toEqual({ progType: 'lwt_out', attach });
    expect(decodePermalink(encodePermalink(fields))).toEqual({ kind: 'experiment', exp: fields, problems: [] });
    const enc = (x: unknown) => decodePermalink(`#v1/${toBase64Url(deflateSync(strToU8(JSON.stringify({ source: 'exit', attach: x }))))}`);
    for (const bad of [{ direction: 'sideways' }, { ifindex: -1 }, { ifindex: 1.5 }, { route: 5 }, { other: 1 }, [1], 'x'])
      expect(enc(bad)).toEqual({ kind: 'experiment', exp: { source: 'exit' }, problems: ['attach'] });
  });

  it('keeps decoding a frozen v1 link with the unprivileged mode and an attach point', () => {
    const frozen = '#v1/FYtJCoMwFIavIv9a0pcO0AZ6iy6FIho1IEl4vjgg3t24_YYdU0jcWBgwFd-CNVXerk4qjxKRQ__b4mXHRf4hSYbJR3YzjHCyJWqRuhlgdnDWV6k_b_XSShMput2f-XCd861dYR7HcQI';
    expect(decodePermalink(frozen)).toEqual({
      kind: 'experiment', problems: [],
      exp: { source: 'r0 = r10\nexit\n', progType: 'lwt_out', unpriv: true, attach: { route: '198.51.100.0/24', ifindex: 3 } },
    });
  });

  it('opens #example links', () => {
    expect(decodePermalink('#example/seed-headers')).toEqual({ kind: 'example', id: 'seed-headers' });
    expect(decodePermalink('')).toEqual({ kind: 'none' });
  });
});

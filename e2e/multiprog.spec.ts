// Journeys: several programs and tail calls — open the tail-call example, see every program's verdict in
// the program switcher, step into a tail call and see the editor, the disassembly and the Registers panel
// follow into the next program; sock_ops — change the reply in the program and see the simulated
// connection's timeline (the SYN timeout, the handshake) move.
import type { Page } from '@playwright/test';
import { expect, openApp, shot, stepPos, test } from './fixtures';

const tabs = (page: Page) => page.getByRole('tablist', { name: 'Programs' });
const status = (page: Page) => page.getByTestId('prog-status');

test('tail calls: the program switcher, and stepping follows the tail call into the next program', async ({ page }) => {
  await openApp(page, './#example/tail-call');
  await expect(tabs(page).getByRole('tab')).toHaveCount(3);
  await expect(tabs(page).getByRole('tab', { name: /dispatch — accepted/ })).toHaveAttribute('aria-selected', 'true');
  await expect(tabs(page).getByRole('tab', { name: /tcp — accepted/ })).toBeVisible();
  // the prog_array names the program in each slot
  const maps = page.getByRole('region', { name: 'Maps' });
  await expect(maps.getByRole('cell', { name: 'program 1: ipv4' })).toBeVisible();
  await expect(maps.getByRole('cell', { name: 'program 2: tcp' })).toBeVisible();
  // packet 0 is a TCP SYN: dispatch -> ipv4 -> tcp
  await expect.poll(() => stepPos(page)).toMatch(/^step 0\//);
  await expect(status(page)).toContainText('In program dispatch (socket)');
  await expect(status(page)).toContainText('no tail call yet');
  const first = page.getByRole('button', { name: /tail call 1 into ipv4/ });
  await expect(page.getByRole('button', { name: /tail call 2 into tcp/ })).toBeVisible();
  // step up to the tail call, then over it
  const step = page.getByRole('button', { name: 'Step', exact: true });
  const markStep = Number(/Step (\d+)/.exec((await first.getAttribute('aria-label')) ?? '')![1]);
  for (let i = 1; i < markStep; i++) {
    await step.click();
    await expect.poll(() => stepPos(page)).toMatch(new RegExp(`^step ${i}/`));
  }
  await expect(page.locator('.disasm tr.cur .text')).toContainText('call');
  await expect(page.locator('.timeline .tl-explain')).toContainText('tail call: jumps to ipv4');
  await step.click();
  await expect(status(page)).toContainText('In program ipv4 (socket/1)');
  await expect(status(page)).toContainText('tail call 1 of at most 33');
  await expect(tabs(page).getByRole('tab', { name: /^ipv4/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.disasm')).toHaveAttribute('data-program', '1');
  await expect(page.locator('.disasm tr.cur .text')).toHaveText('ipv4: r6 = r1');
  await expect(page.locator('.monaco-editor .cur-line')).toHaveCount(1);
  await shot(page, 'tailcall-ipv4');
  // the second tail call, by its timeline mark
  await page.getByRole('button', { name: /tail call 2 into tcp/ }).click();
  await expect(status(page)).toContainText('In program tcp (socket/2)');
  await expect(status(page)).toContainText('tail call 2 of at most 33');
  await expect(page.locator('.disasm')).toHaveAttribute('data-program', '2');
  // stepping back over the boundary returns to the caller's program
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toContainText('In program ipv4');
  // the tabs are keyboard-operable: arrow keys move between programs
  await tabs(page).getByRole('tab', { name: /^ipv4/ }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(tabs(page).getByRole('tab', { name: /^dispatch/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.disasm')).toHaveAttribute('data-program', '0');
  // the user can look at another program's verifier report
  await tabs(page).getByRole('tab', { name: /^tcp/ }).click();
  const verifier = page.getByRole('region', { name: 'Verifier' });
  await expect(verifier.getByRole('list', { name: 'Program verdicts' })).toContainText('tcp');
  await expect(verifier.locator('.vlog pre')).toContainText('bpf_map_lookup_elem');
  await shot(page, 'tailcall-tcp');
  // empty slot 2: the TCP packet's second tail call fails and ipv4 keeps the whole packet
  const verdict0 = page.getByTestId('packet-0').locator('.c-verdict');
  await expect(verdict0).toHaveText('keep 54 bytes');
  await maps.getByRole('button', { name: 'Empty slot 02000000 of jmp_table' }).click();
  await expect(verdict0).toHaveText('keep all');
  await expect(maps.getByRole('cell', { name: 'program 1: ipv4' })).toBeVisible();
  await expect(page.getByRole('button', { name: /tail call failed/ })).toBeVisible();
  // and put the tcp program back by choosing it for slot 2
  await maps.getByLabel('Slot of jmp_table', { exact: true }).fill('2');
  await maps.getByLabel('Program for the slot of jmp_table', { exact: true }).selectOption('2');
  await maps.getByRole('button', { name: 'Set slot' }).click();
  await expect(verdict0).toHaveText('keep 54 bytes');
});

test('sock_ops: changing the TIMEOUT_INIT reply moves the connection timeline', async ({ page }) => {
  await openApp(page, './#example/sockops-timeout');
  const output = page.getByRole('region', { name: 'Output' });
  const timeline = output.getByRole('table', { name: 'Connection timeline' });
  const row = (op: string) => timeline.locator(`tr[data-op="${op}"]`).first();
  await expect(row('BPF_SOCK_OPS_TIMEOUT_INIT')).toContainText('SYN RTO 40 ms');
  await expect(row('BPF_SOCK_OPS_RTO_CB').locator('td.t')).toHaveText('40 ms');
  await expect(row('BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB').locator('td.t')).toHaveText('48 ms');
  await expect(row('BPF_SOCK_OPS_RWND_INIT')).toContainText('57920 bytes');
  // the first callback (CLOSE -> SYN_SENT) happens before any flag is set: the kernel does not call the program
  await expect(page.locator('.timeline .tl-explain')).toContainText('BPF_SOCK_OPS_STATE_CB is not called');
  await shot(page, 'sockops-timeline');
  // edit the program: a 100-jiffy SYN timeout and a 20-segment window
  await page.locator('.monaco-editor').first().click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText([
    '\tr2 = *(u32 *)(r1 + 0)',
    '\tif r2 == 1 goto timeout',
    '\tif r2 == 2 goto rwnd',
    '\tr0 = 1',
    '\texit',
    'timeout:',
    '\tr3 = 100',
    '\t*(u32 *)(r1 + 4) = w3',
    '\tr0 = 1',
    '\texit',
    'rwnd:',
    '\tr3 = 20',
    '\t*(u32 *)(r1 + 4) = w3',
    '\tr0 = 1',
    '\texit',
    '',
  ].join('\n'));
  await expect(row('BPF_SOCK_OPS_TIMEOUT_INIT')).toContainText('SYN RTO 400 ms');
  await expect(row('BPF_SOCK_OPS_RTO_CB').locator('td.t')).toHaveText('400 ms');
  await expect(row('BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB').locator('td.t')).toHaveText('408 ms');
  await expect(row('BPF_SOCK_OPS_RWND_INIT')).toContainText('28960 bytes');
  await shot(page, 'sockops-timeline-changed');
});

test('sk_skb: the stream parser frames messages, the verdict program decides each; stepping walks both', async ({ page }) => {
  await openApp(page, './#example/skskb-parser-verdict');
  await expect(tabs(page).getByRole('tab')).toHaveCount(2);
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toContainText('8 bytes: SK_PASS; 8 bytes: SK_PASS; 8 bytes: SK_DROP');
  await expect(status(page)).toContainText('In program parser (sk_skb/stream_parser)');
  await page.getByRole('button', { name: /stream verdict on message 3 \(8 bytes\)/ }).click();
  await expect(status(page)).toContainText('In program verdict (sk_skb/stream_verdict)');
  await expect(page.locator('.disasm')).toHaveAttribute('data-program', '1');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.locator('.timeline .tl-explain')).toContainText('returned 8; next: stream verdict on message 3');
  await shot(page, 'skskb-pair');
});

// Journeys: the event editors and the context-structure view. For kprobe, tracepoint, sock_ops,
// cgroup_sock and sk_skb: open the type's example, change an event through its form (never the JSON),
// apply, and see the run change; edit a field in the context view and see the program's result change;
// an invalid value shows the engine's located error and keeps what was typed. A memory blob that a kprobe
// argument points at is read by bpf_probe_read_user_str in the browser run; an LWT route's prefix decides
// which packets reach the program.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { encodePermalink } from '../app/permalink/codec';
import { expect, openApp, reg, shot, test } from './fixtures';

const packets = (page: Page) => page.getByRole('region', { name: 'Packets' });
const editor = (page: Page) => page.getByRole('region', { name: 'Events editor' });
const ctx = (page: Page) => page.getByRole('region', { name: 'Context' });
const row = (page: Page, i: number) => page.getByTestId(`packet-${i}`);

async function openEditor(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Edit events…' }).click();
  await expect(editor(page)).toBeVisible();
}

async function apply(page: Page): Promise<void> {
  await editor(page).getByRole('button', { name: 'Apply' }).click();
  await expect(editor(page).getByRole('status')).toHaveText('');
}

test('kprobe: an argument edited by name reaches the register the program reads', async ({ page }) => {
  await openApp(page, './#example/kprobe-count-opens');
  await expect(row(page, 0)).toContainText('kprobe do_sys_openat2');
  await openEditor(page);
  await expect(editor(page).getByRole('list', { name: 'Event list' }).getByRole('listitem')).toHaveCount(4);
  await expect(editor(page)).toContainText('int do_sys_openat2(int dfd, const char *filename, struct open_how *how)');
  const dfd = editor(page).getByLabel('Argument dfd (rdi)');
  await expect(dfd).toHaveValue('-100');
  await dfd.fill('42');
  await expect(editor(page).getByRole('status')).toHaveText('changed — Apply to run');
  await apply(page);
  // the program copies pt_regs->di into r7 at its second instruction
  await row(page, 0).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => reg(page, 'r7')).toContain('0x2a');
  await expect(ctx(page).getByLabel('ctx rdi')).toHaveValue('0x2a');
  // a kretprobe: the return value goes to rax
  await editor(page).getByRole('button', { name: 'kprobe vfs_read' }).click();
  await editor(page).getByRole('checkbox', { name: /kretprobe/ }).check();
  await editor(page).getByLabel('Return value (rax)').fill('-14');
  await apply(page);
  await expect(row(page, 1)).toContainText('kretprobe vfs_read');
  // the run opens at the event being edited, and the form stays on it
  await expect(row(page, 1)).toHaveAttribute('aria-selected', 'true');
  await expect(editor(page).getByRole('button', { name: /^2 kretprobe vfs_read/ })).toHaveAttribute('aria-current', 'true');
  await expect(ctx(page).getByLabel('ctx rax')).toHaveValue('0xfffffffffffffff2');
  await shot(page, 'events-kprobe');

  // an invalid argument: the form marks it, the engine names it, and the text stays
  await editor(page).getByRole('button', { name: /^1 kprobe do_sys_openat2/ }).click();
  await dfd.fill('12x');
  await expect(editor(page)).toContainText('not a number');
  await apply(page);
  await expect(editor(page).getByRole('alert')).toContainText('events[0].args[0]: must be an integer');
  await expect(dfd).toHaveValue('12x');
  // the JSON view holds the same text
  await editor(page).getByRole('button', { name: 'Edit as JSON' }).click();
  await expect(editor(page).getByLabel('Events (JSON)')).toHaveValue(/"12x"/);
});

test('tracepoint: a format field edited in the form changes what the program counts', async ({ page }) => {
  await openApp(page, './#example/tracepoint-openat-flags');
  await expect(row(page, 0)).toContainText('syscalls/sys_enter_openat');
  const insns = async () => (await row(page, 0).locator('.c-insns').textContent()) ?? '';
  await expect.poll(insns).not.toBe('');
  const before = await insns();
  await openEditor(page);
  const table = editor(page).getByRole('table', { name: 'Fields of syscalls/sys_enter_openat' });
  await expect(table).toContainText('filename');
  await expect(table).toContainText('const char *');
  await table.getByLabel('Field flags').fill('0x40'); // O_CREAT
  await apply(page);
  // the O_CREAT path runs the map update: more instructions for the same event
  await expect.poll(insns).not.toBe(before);
  await row(page, 0).click();
  await expect(ctx(page).getByLabel('ctx flags')).toHaveValue('0x40');
  // switching the tracepoint gives a form for its own format
  await editor(page).getByLabel('Tracepoint').selectOption('sched/sched_switch');
  await expect(editor(page).getByRole('table', { name: 'Fields of sched/sched_switch' })).toContainText('prev_comm');
  await editor(page).getByLabel('Field prev_comm').fill('nginx');
  await apply(page);
  await expect(row(page, 0)).toContainText('sched/sched_switch');
  await row(page, 0).click();
  await expect(ctx(page).getByLabel('ctx prev_comm')).toHaveValue('nginx');
  await shot(page, 'events-tracepoint');
  // broken JSON: the engine's located error, and the text as typed
  await editor(page).getByRole('button', { name: 'Edit as JSON' }).click();
  const broken = '{ "version": 1, "type": "tracepoint",\n  "events": [ , ] }';
  await editor(page).getByLabel('Events (JSON)').fill(broken);
  await apply(page);
  await expect(editor(page).getByRole('alert')).toContainText('events file is not valid JSON');
  await expect(editor(page).getByRole('alert')).toContainText('2:15');
  await expect(editor(page).getByLabel('Events (JSON)')).toHaveValue(broken);
  // the forms cannot show broken JSON: they say so, and the JSON view keeps it
  await editor(page).getByRole('button', { name: 'Edit as JSON' }).click();
  await expect(editor(page).getByText(/fix it in the JSON view/)).toBeVisible();
});

test('sock_ops: a callback composed in the form, its reply shown as a context write', async ({ page }) => {
  await openApp(page, './#example/sockops-timeout');
  await expect(row(page, 0)).toContainText('active-connect');
  await openEditor(page);
  await editor(page).getByLabel('Event', { exact: true }).selectOption('callback');
  await editor(page).getByLabel('Operation').selectOption('BPF_SOCK_OPS_TIMEOUT_INIT');
  await editor(page).getByLabel('TCP state').selectOption('SYN_SENT');
  await apply(page);
  await expect(packets(page).locator('[data-testid^="packet-"]')).toHaveCount(1);
  await row(page, 0).click();
  // the program answers TIMEOUT_INIT with reply (args[0]) = 10 jiffies
  await expect(ctx(page).getByRole('row', { name: /^args\[0\]/ })).toContainText('0xa');
  await expect(ctx(page)).toContainText('the program wrote args[0]');
  await expect(ctx(page).getByLabel('ctx state')).toHaveValue('0x2');
  // another callback: RWND_INIT is answered with 40 packets
  await editor(page).getByRole('button', { name: 'Duplicate event 1' }).click();
  await editor(page).getByLabel('Operation').selectOption('BPF_SOCK_OPS_RWND_INIT');
  await editor(page).getByRole('button', { name: 'Move event 2 up' }).click();
  await apply(page);
  await expect(packets(page).locator('[data-testid^="packet-"]')).toHaveCount(2);
  await row(page, 0).click();
  await expect(ctx(page).getByRole('row', { name: /^args\[0\]/ })).toContainText('0x28');
  await shot(page, 'events-sockops');
});

test('sock_ops: a scenario listed as callbacks, reordered from the keyboard, each one editable', async ({ page }) => {
  await openApp(page, './#example/sockops-timeout');
  await openEditor(page);
  await editor(page).getByRole('button', { name: 'List these callbacks' }).click();
  const items = editor(page).getByRole('list', { name: 'Event list' }).getByRole('listitem');
  await expect.poll(() => items.count()).toBeGreaterThan(5);
  const n = await items.count();
  const k = (await items.allTextContents()).findIndex((t) => t.includes('TIMEOUT_INIT'));
  expect(k).toBeGreaterThan(0);
  // keyboard: Down selects the next event, Alt+Down moves it
  await items.nth(k - 1).getByRole('button').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(k).getByRole('button').first()).toBeFocused();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(items.nth(k + 1)).toContainText('TIMEOUT_INIT');
  await expect(items.nth(k + 1).getByRole('button').first()).toBeFocused();
  await apply(page);
  await expect(page.getByRole('table', { name: 'Packet verdicts' })).toHaveAttribute('aria-rowcount', String(n)); // the list is virtualised
  await row(page, k + 1).click();
  await expect(ctx(page).getByRole('row', { name: /^args\[0\]/ })).toContainText('0xa');
  // listed callbacks are editable in the context view: the op turns TIMEOUT_INIT into RWND_INIT
  const op = ctx(page).getByLabel('ctx op');
  await op.fill('2');
  await op.press('Enter');
  await expect(ctx(page).getByRole('row', { name: /^args\[0\]/ })).toContainText('0x28');
  await expect(ctx(page).getByRole('row', { name: /^op/ })).toContainText('BPF_SOCK_OPS_RWND_INIT');
});

test('cgroup_sock: socket() by name in the form, and a context field edited in the context view', async ({ page }) => {
  await openApp(page, './#example/cgroup-sock-no-raw');
  await expect(row(page, 0)).toContainText('socket(2, 1, 6)');
  const verdict = async (i: number) => (await row(page, i).locator('.c-verdict').getAttribute('class')) ?? '';
  await expect.poll(() => verdict(0)).toContain('v-pass');
  await openEditor(page);
  await editor(page).getByLabel('Socket type').selectOption('SOCK_RAW');
  await editor(page).getByLabel('Protocol').selectOption('IPPROTO_ICMP');
  await apply(page);
  await expect(row(page, 0)).toContainText('socket(2, 3, 1)');
  await expect.poll(() => verdict(0)).toContain('v-drop');
  // list operations: duplicate, reorder, delete
  await editor(page).getByRole('button', { name: 'Duplicate event 2' }).click();
  await editor(page).getByRole('button', { name: 'Move event 3 down' }).click();
  await editor(page).getByRole('button', { name: 'Delete event 1' }).click();
  await apply(page);
  await expect(packets(page).locator('[data-testid^="packet-"]')).toHaveCount(4);
  await expect(row(page, 0)).toContainText('socket(2, 2, 17)');
  // a context-view edit while the editor holds unapplied changes is flagged, and Apply keeps the draft
  await editor(page).getByLabel('Socket priority').fill('4');
  await row(page, 0).click();
  await ctx(page).getByLabel('ctx mark').fill('9');
  await ctx(page).getByLabel('ctx mark').press('Enter');
  await expect(editor(page).getByRole('status')).toContainText('also changed outside this editor');
  await apply(page);
  await expect(ctx(page).getByLabel('ctx priority')).toHaveValue('0x4');
  await expect(ctx(page).getByLabel('ctx mark')).toHaveValue('0x0');
  await editor(page).getByRole('button', { name: 'Close' }).click();
  await expect(editor(page)).toHaveCount(0);

  // the context view: bpf_sock with its access rights; editing type makes the program refuse the socket
  await row(page, 0).click();
  await expect(ctx(page)).toContainText('struct bpf_sock');
  await expect(ctx(page).getByRole('row', { name: /^mark/ }).getByLabel('writable')).toBeVisible();
  await expect(ctx(page).getByRole('row', { name: /^type/ }).getByLabel('not writable')).toBeVisible();
  await expect.poll(() => verdict(0)).toContain('v-pass');
  const type = ctx(page).getByLabel('ctx type');
  await type.fill('3');
  await type.press('Enter');
  await expect.poll(() => verdict(0)).toContain('v-drop');
  await expect(row(page, 0)).toContainText('socket(2, 3, 17)');
  await shot(page, 'events-cgroup-ctx');
  // an invalid value: the engine's located error, and the typed text stays in the cell
  await type.fill('raw');
  await type.press('Enter');
  await expect(packets(page).getByRole('alert')).toContainText('events[0].type: must be an integer');
  await expect(ctx(page).getByLabel('ctx type')).toHaveValue('raw');
});

test('sk_skb: a message edited as text changes the stream verdict; a ctx override for a socket field', async ({ page }) => {
  await openApp(page, './#example/skskb-verdict');
  await expect(row(page, 0)).toContainText('37 bytes');
  const verdict = async (i: number) => (await row(page, i).locator('.c-verdict').textContent()) ?? '';
  await expect.poll(() => verdict(0)).toMatch(/DROP/);
  await openEditor(page);
  await expect(editor(page).getByLabel('Message text')).toHaveValue(/^GET \//);
  await editor(page).getByLabel('Message text').fill('POST /upload HTTP/1.1\r\n');
  await editor(page).getByRole('button', { name: 'Add socket' }).click();
  await editor(page).getByLabel('Socket 1 local port').fill('9090');
  await editor(page).getByLabel('Socket', { exact: true }).selectOption('1');
  await apply(page);
  await expect.poll(() => verdict(0)).toMatch(/PASS/);
  await row(page, 0).click();
  await expect(ctx(page).getByLabel('ctx local_port')).toHaveValue('0x2382');
  // back to a message starting with 'G' through the hex view of the form
  await editor(page).getByLabel('Message as').selectOption('hex');
  await editor(page).getByLabel('Message bytes (hex)').fill('47455420');
  await apply(page);
  await expect.poll(() => verdict(0)).toMatch(/DROP/);
  // a __sk_buff field with no place in the event shape goes into the event's ctx overrides
  await row(page, 1).click();
  await ctx(page).getByRole('button', { name: /^show all \d+ fields$/ }).click();
  await ctx(page).getByLabel('ctx mark').fill('0x7');
  await ctx(page).getByLabel('ctx mark').press('Enter');
  await expect(ctx(page).getByLabel('ctx mark')).toHaveValue('0x7');
  await editor(page).getByRole('button', { name: 'Edit as JSON' }).click();
  await expect(editor(page).getByLabel('Events (JSON)')).toHaveValue(/"ctx": \{\s*"mark": "0x7"\s*\}/);
  await shot(page, 'events-skskb');
});

test('perf_event: the sampled instruction pointer edited as a register, dark theme', async ({ page }) => {
  await openApp(page, './#example/perf-kernel-user');
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  const insns = async () => (await row(page, 0).locator('.c-insns').textContent()) ?? '';
  // the count as the poll saw it (a second read could land on a row being re-rendered)
  let kernel = 0;
  await expect.poll(async () => (kernel = Number(await insns()))).toBeGreaterThan(0);
  await openEditor(page);
  await expect(editor(page).getByLabel('Sample period')).toHaveValue('100000');
  // a user-space ip: the program counts the sample under key 0 and skips one instruction
  await editor(page).getByLabel('Value of rip').fill('0x401136');
  await editor(page).getByRole('button', { name: 'Add register' }).click();
  await apply(page);
  await expect.poll(async () => Number(await insns())).toBe(kernel - 1);
  await row(page, 0).click();
  await expect(ctx(page).getByLabel('ctx regs.rip')).toHaveValue('0x401136');
  await expect(ctx(page).getByLabel('ctx regs.r15')).toHaveValue('0x0');
  await shot(page, 'events-perf-dark');
});

test('packet types: the attach-point context, folded and read-only', async ({ page }) => {
  await openApp(page, './#example/tc-count-protocols');
  await expect(page.getByRole('button', { name: 'Edit events…' })).toHaveCount(0);
  await row(page, 1).click();
  await packets(page).locator('summary', { hasText: /^Context/ }).click();
  await expect(ctx(page)).toContainText('struct __sk_buff');
  await expect(ctx(page).getByRole('row', { name: /^ifindex/ })).toContainText('0x2');
  await expect(ctx(page).getByRole('row', { name: /^data\b/ })).toContainText('ptr');
  await expect(ctx(page).getByRole('textbox')).toHaveCount(0);
  await shot(page, 'events-packet-ctx');
  // the attach form: tc egress on ifindex 7 is what the __sk_buff then says
  const form = page.getByRole('group', { name: 'Attach point' });
  await form.getByLabel('Attach direction').selectOption('egress');
  await form.getByLabel('Attach ifindex').fill('7');
  await expect(ctx(page).getByRole('row', { name: /^ifindex/ })).toContainText('0x7');
  await expect(ctx(page).getByRole('row', { name: /^pkt_type/ })).toContainText('0x4');
});

// bpf_probe_read_user_str(buf, 32, PT_REGS_PARM2(ctx)); bpf_trace_printk("%s\n", buf)
const PRINT_FILENAME = `.license "GPL"
	r3 = *(u64 *)(r1 + 104)
	r1 = r10
	r1 += -32
	r2 = 32
	call bpf_probe_read_user_str
	r1 = 0x0a7325 ll
	*(u64 *)(r10 - 40) = r1
	r1 = r10
	r1 += -40
	r2 = 4
	r3 = r10
	r3 += -32
	call bpf_trace_printk
	r0 = 0
	exit
`;

test('kprobe: a memory blob the filename argument points at is read in the browser run', async ({ page }) => {
  const events = JSON.stringify({
    version: 1, type: 'kprobe', memory: [{ addr: '0x7ffd1000', text: '/etc/passwd' }],
    events: [{ function: 'do_sys_openat2', args: [-100, '0x7ffd1000', 0] }],
  }, null, 2);
  await openApp(page, `./${encodePermalink({ source: PRINT_FILENAME, dialect: 'llvm', progType: 'kprobe', events })}`);
  const output = page.getByRole('region', { name: 'Output' });
  await row(page, 0).click();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(output).toContainText('/etc/passwd');
  await openEditor(page);
  await expect(editor(page)).toContainText('here and in cli run --events');
  await editor(page).getByLabel('Memory 1 text').fill('/tmp/notes.txt');
  await apply(page);
  await row(page, 0).click();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(output).toContainText('/tmp/notes.txt');
  await expect(output).not.toContainText('/etc/passwd');
});

test('lwt: the route prefix decides which packets reach the program; the link keeps it', async ({ page, browser }) => {
  await openApp(page, './#example/lwt-drop-udp');
  const query = row(page, 8); // UDP 53000 > 53, to 198.51.100.20
  const reply = row(page, 9); // UDP 53 > 53000, to 192.0.2.10
  await expect(query).toContainText('UDP 53000 > 53');
  await expect(query).toContainText('BPF_DROP');
  await expect(reply).toContainText('BPF_DROP');
  const form = page.getByRole('group', { name: 'Attach point' });
  await expect(page.getByTestId('route-command')).toHaveText('ip route add default encap bpf out obj prog.o dev eth0');
  await form.getByLabel('Route prefix').fill('198.51.100.0/24');
  await expect(page.getByTestId('route-command')).toContainText('ip route add 198.51.100.0/24 encap bpf out');
  await expect(reply).toContainText('not routed through this program');
  await expect(query).toContainText('BPF_DROP');
  await form.getByLabel('Route prefix').fill('192.0.2.0/24');
  await expect(query).toContainText('not routed through this program');
  await expect(reply).toContainText('BPF_DROP');
  await shot(page, 'lwt-route');
  // the same packets and route as an events file for `cli run --events`
  const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Events file' }).click()]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as { type: string; events: { meta?: { route?: string } }[] };
  expect(saved.type).toBe('lwt_out');
  expect(saved.events.length).toBeGreaterThan(9);
  expect(saved.events.every((e) => e.meta?.route === '192.0.2.0/24')).toBe(true);

  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  const ctx2 = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const fresh = await ctx2.newPage();
  const errors: string[] = [];
  fresh.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await fresh.goto(link);
  await expect(fresh.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(fresh.getByRole('group', { name: 'Attach point' }).getByLabel('Route prefix')).toHaveValue('192.0.2.0/24');
  await expect(row(fresh, 8)).toContainText('not routed through this program');
  await expect(row(fresh, 9)).toContainText('BPF_DROP');
  expect(errors).toEqual([]);
  await ctx2.close();
});

/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { expect, openApp, shot, test } from './fixtures';

// A capture written by `tcpdump -w` on loopback (recorded by the packets module's script).
const PCAP = 'testdata/pcap/kernel-lo.pcap';

test('import a pcap with the file picker and see the verdicts', async ({ page }) => {
  await openApp(page, './#example/tcpdump-tcp');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open pcap…' }).click();
  await (await chooser).setFiles(PCAP);
  await expect(page.getByRole('status').filter({ hasText: 'Opened kernel-lo.pcap' })).toBeVisible();
  await expect(page.getByTestId('packet-0')).toContainText(/keep|drop/);
  await shot(page, 'pcap');
});

test('drop a pcap onto the page', async ({ page }) => {
  await openApp(page, './#example/tcpdump-tcp');
  const data = [...readFileSync(PCAP)];
  const dt = await page.evaluateHandle((bytes) => {
    const t = new DataTransfer();
    t.items.add(new File([new Uint8Array(bytes)], 'dropped.pcap'));
    return t;
  }, data);
  await page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
  await expect(page.getByRole('status').filter({ hasText: 'Opened dropped.pcap' })).toBeVisible();
});

test('build a packet with the packet builder and see its verdict', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toHaveText('keep all');
  await page.getByRole('button', { name: 'Build…' }).click();
  const form = page.getByRole('form', { name: 'Packet builder' });
  await form.getByRole('combobox', { name: 'Transport' }).selectOption('udp');
  await form.getByRole('spinbutton', { name: 'Destination port' }).fill('53');
  await form.getByRole('textbox', { name: 'Payload text' }).fill('hello');
  await form.getByRole('button', { name: 'Add packet' }).click();
  const row = page.getByTestId('packet-22');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(row.locator('.c-verdict')).toHaveText('keep 42 bytes');
  await shot(page, 'builder');
});

test('paste a tcpdump -xx dump as a packet', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toHaveText('keep all');
  await page.getByRole('button', { name: 'Hex…' }).click();
  // An ICMP echo request as `tcpdump -xx` prints it.
  const dump = [
    '\t0x0000:  0200 0000 000b 0200 0000 000a 0800 4500',
    '\t0x0010:  001c 0001 0000 4001 f7c4 c000 020a c633',
    '\t0x0020:  6414 0800 f7fe 0000 0001',
  ].join('\n');
  await page.getByRole('textbox', { name: 'Packet bytes in hex' }).fill(dump);
  await page.getByRole('form', { name: 'Paste packet bytes' }).getByRole('button', { name: 'Add packet' }).click();
  const row = page.getByTestId('packet-22');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(row).toContainText('ICMP');
  await expect(row.locator('.c-verdict')).toHaveText('drop');
});

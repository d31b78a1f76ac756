// Journey: the unprivileged verifier mode travels in a share link. A socket filter that returns the
// frame pointer is accepted as root but leaks a kernel address to an unprivileged loader; tick
// "unprivileged", see the kernel's error, share, open the link in a fresh page: still unprivileged,
// same error. Deep links are built with the production codec.
import { encodePermalink } from '../app/permalink/codec';
import { expect, openApp, test } from './fixtures';

const LEAK = 'r0 = r10\nexit\n';

test('unprivileged mode: ticked, shared, and the link opens with the same verdict', async ({ page, browser }) => {
  await openApp(page, `./${encodePermalink({ source: LEAK, dialect: 'llvm', progType: 'socket_filter' })}`);
  const verifier = page.getByRole('region', { name: 'Verifier' });
  const box = verifier.getByRole('checkbox', { name: 'unprivileged' });
  await expect(box).not.toBeChecked();
  await expect(verifier.getByRole('status')).toContainText('Accepted');
  await box.check();
  await expect(verifier.getByRole('status')).toContainText('Rejected');
  await expect(verifier.getByRole('status')).toContainText('R0 leaks addr as return value');
  const error = (await verifier.getByRole('status').textContent()) ?? '';

  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/#v1\//);
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const fresh = await ctx.newPage();
  const errors: string[] = [];
  fresh.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await fresh.goto(link);
  await expect(fresh.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const v2 = fresh.getByRole('region', { name: 'Verifier' });
  await expect(v2.getByRole('checkbox', { name: 'unprivileged' })).toBeChecked();
  await expect(v2.getByRole('status')).toContainText('R0 leaks addr as return value');
  expect((await v2.getByRole('status').textContent()) ?? '').toBe(error);
  // untick: privileged again, and a new link no longer carries the mode
  await v2.getByRole('checkbox', { name: 'unprivileged' }).uncheck();
  await expect(v2.getByRole('status')).toContainText('Accepted');
  expect(errors).toEqual([]);
  await ctx.close();
});

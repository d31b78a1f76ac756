import { expect, openApp, shot, test, stepPos } from './fixtures';

test('a classic BPF example steps over the sample packets', async ({ page }) => {
  await openApp(page, './#example/tcpdump-tcp');
  await expect(page.getByRole('region', { name: 'Packets' })).toContainText('TCP 40000 > 80');
  await expect(page.getByTestId('packet-0')).toContainText('keep');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepPos(page)).toBe('step 1/5');
  await shot(page, 'classic');
});

// Screenshots of the main views in both themes (saved under test-results/screens/).
import { openApp, shot, test, expect } from './fixtures';

for (const theme of ['dark', 'light'] as const) {
  test(`main view, ${theme} theme`, async ({ page }) => {
    await openApp(page, `./?theme=${theme}#example/tcpdump-tcp`);
    await expect(page.getByTestId('packet-0').locator('.c-verdict')).not.toHaveText('…');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('step-pos')).toHaveText(/step 3\//);
    await shot(page, `main-${theme}`);
  });
}

test('examples gallery', async ({ page }) => {
  await openApp(page, './?theme=dark');
  await page.getByRole('button', { name: 'Examples' }).click();
  await expect(page.getByRole('dialog', { name: 'Examples' })).toBeVisible();
  await shot(page, 'gallery');
});

test('a kprobe program on its events', async ({ page }) => {
  await openApp(page, './?theme=dark#example/kprobe-count-opens');
  await expect(page.getByTestId('packet-0')).toContainText('do_sys_openat2');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByRole('region', { name: 'Maps' })).toContainText('01 00 00 00 00 00 00 00');
  await shot(page, 'kprobe');
});

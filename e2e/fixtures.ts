// Shared e2e fixture: every test fails on any console error or uncaught page error, and helpers for
// the journeys (wait for the app, read a register, take a screenshot into test-results/).
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ consoleErrors: string[]; foreignRequests: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
  // The app works offline: every request goes to the server that serves dist/ (or is a blob:/data: URL).
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const foreign: string[] = [];
      const origin = new URL(baseURL ?? 'http://127.0.0.1/').origin;
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
      });
      await use(foreign);
      expect(foreign, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function openApp(page: Page, path = './'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

export async function reg(page: Page, name: string): Promise<string> {
  return (await page.getByTestId(`reg-${name}`).textContent()) ?? '';
}

export async function stepPos(page: Page): Promise<string> {
  return (await page.getByTestId('step-pos').textContent()) ?? '';
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

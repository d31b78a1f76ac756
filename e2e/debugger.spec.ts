// Journeys on the seed example: step forward 5 and back 2 and see the registers match; set a
// breakpoint and run to it; break the program and see the marker and message; the watchdog.
import { encodePermalink } from '../app/permalink/codec';
import { expect, openApp, reg, shot, stepPos, test } from './fixtures';

test('open the seed example: verdicts for every sample packet', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toHaveText('keep all');
  const packets = page.getByRole('region', { name: 'Packets' });
  await expect(packets.getByText('keep 66 bytes').first()).toBeVisible();
  await expect(packets.locator('.v-drop').first()).toBeVisible();
  await shot(page, 'seed');
});

test('step forward 5 and back 2: the registers match', async ({ page }) => {
  await openApp(page);
  await expect.poll(() => stepPos(page)).toMatch(/^step 0\//);
  const step = page.getByRole('button', { name: 'Step', exact: true });
  const back = page.getByRole('button', { name: 'Step back' });
  const seen: Record<number, string[]> = {};
  const snap = async () => Promise.all(['r0', 'r1', 'r6', 'r7', 'r10'].map((r) => reg(page, r)));
  seen[0] = await snap();
  for (let i = 1; i <= 5; i++) {
    await step.click();
    await expect.poll(() => stepPos(page)).toMatch(new RegExp(`^step ${i}/`));
    seen[i] = await snap();
    if (i === 1) await expect(page.locator('.regs tr.changed')).toHaveAttribute('data-reg', 'r6'); // r6 = r1
  }
  expect(seen[2]![0]).toBe('0x800'); // r0 = EtherType after ldh [12]
  await back.click();
  await back.click();
  await expect.poll(() => stepPos(page)).toMatch(/^step 3\//);
  expect(await snap()).toEqual(seen[3]);
  await shot(page, 'stepping');
});

test('set a breakpoint and run to it', async ({ page }) => {
  await openApp(page);
  await expect.poll(() => stepPos(page)).toMatch(/^step 0\//);
  // Line 14 is the first instruction of the tcp: block.
  await page.getByRole('button', { name: 'Breakpoint at line 14' }).click();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.locator('.disasm tr.cur .line')).toHaveText(':14');
  await expect(page.locator('.monaco-editor .cur-line')).toHaveCount(1);
  await shot(page, 'breakpoint');
});

test('break the program and see the marker and the message', async ({ page }) => {
  await openApp(page);
  await page.locator('.monaco-editor').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.type('\n\tr0 +== 5');
  const verifier = page.getByRole('region', { name: 'Verifier' });
  await expect(verifier).toContainText('Does not assemble');
  await expect(verifier.locator('.diags')).toContainText('line 2');
  await expect(page.locator('.monaco-editor .squiggly-error')).not.toHaveCount(0);
  await shot(page, 'broken');
  // Now a program that assembles but the verifier rejects: reading through an uninitialised register.
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(verifier).not.toContainText('Does not assemble');
  await page.keyboard.type('\n\tr0 = *(u32 *)(r2 + 0)');
  await expect(verifier.locator('.verdict')).toContainText('Rejected');
  await expect(verifier.locator('.verr')).toContainText('R2 !read_ok');
  await expect(verifier.locator('.verr')).toContainText('line 2');
  await expect(page.locator('.monaco-editor .squiggly-error')).not.toHaveCount(0);
  await shot(page, 'rejected');
});

test('the watchdog stops an endless loop and keeps the program', async ({ page }) => {
  test.setTimeout(60_000);
  const src = '# an endless loop\nloop:\n\tr0 += 1\n\tgoto loop\n';
  await openApp(page, `./${encodePermalink({ source: src, dialect: 'llvm' })}`);
  // With the default budget the VM stops it: every packet faults with the budget message.
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toHaveText('fault');
  // Without a budget only the watchdog can stop it.
  await page.getByRole('combobox', { name: 'Instruction budget' }).selectOption({ label: 'no limit' });
  await expect(page.getByRole('alert').filter({ hasText: 'ran too long' })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('goto loop');
  await shot(page, 'watchdog');
  // The restarted engine works: back to a budget, and the run completes again.
  await page.getByRole('combobox', { name: 'Instruction budget' }).selectOption({ label: '100k insns' });
  await expect(page.getByTestId('packet-0').locator('.c-verdict')).toHaveText('fault');
  await expect(page.getByTestId('step-pos')).toHaveText(/step 0\/100000/);
});

test('keyboard: F10 steps, Shift+F10 steps back, F7 moves to the next packet; Run animates to the end', async ({ page }) => {
  await openApp(page);
  await expect.poll(() => stepPos(page)).toMatch(/^step 0\//);
  await page.keyboard.press('F10');
  await expect.poll(() => stepPos(page)).toMatch(/^step 1\//);
  await page.keyboard.press('F10');
  await page.keyboard.press('Shift+F10');
  await expect.poll(() => stepPos(page)).toMatch(/^step 1\//);
  // quick presses while a step is still being fetched are not lost: each counts from the step on its way
  await page.keyboard.press('F10');
  await page.keyboard.press('F10');
  await page.keyboard.press('F10');
  await expect.poll(() => stepPos(page)).toMatch(/^step 4\//);
  await page.keyboard.press('F7');
  await expect(page.getByTestId('packet-1')).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '30/s' });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('step-pos')).toHaveText(/step (\d+)\/\1/, { timeout: 15_000 });
  await expect(page.locator('.tl-explain')).toContainText('Returned 74');
});

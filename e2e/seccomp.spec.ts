// Journey: a seccomp filter (classic BPF) over a list of system calls — the verdicts per call and
// stepping through one call with struct seccomp_data as the context.
import { expect, openApp, shot, stepPos, test } from './fixtures';

test('a seccomp example gives ALLOW, ERRNO and KILL verdicts and steps over seccomp_data', async ({ page }) => {
  await openApp(page, './#example/seccomp-allowlist');
  await expect(page.getByLabel('Program type', { exact: true })).toHaveValue('seccomp');
  const packets = page.getByRole('region', { name: 'Packets' });
  await expect(packets).toContainText('openat(-100');
  await expect(page.getByTestId('packet-0')).toContainText('ALLOW');
  await expect(page.getByTestId('packet-2')).toContainText('ERRNO(1)');
  await expect(page.getByTestId('packet-3')).toContainText('KILL_PROCESS');
  await page.getByTestId('packet-2').click();
  await expect.poll(() => stepPos(page)).toBe('step 0/8');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepPos(page)).toBe('step 1/8');
  await expect(page.getByTestId('reg-A')).toHaveText('0xc000003e'); // A = seccomp_data.arch
  await expect(packets).toContainText('struct seccomp_data');
  await shot(page, 'seccomp');
});

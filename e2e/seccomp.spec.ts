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

test('seccomp events take a system call by name or number, and bad events are reported', async ({ page }) => {
  await openApp(page, './#example/seccomp-allowlist');
  await expect(page.getByTestId('packet-0')).toContainText('ALLOW');
  const edit = async (json: unknown) => {
    await page.getByRole('button', { name: 'Edit events…' }).click();
    await page.getByLabel('Events (JSON)').fill(typeof json === 'string' ? json : JSON.stringify(json));
    await page.getByRole('button', { name: 'Apply' }).click();
  };
  await edit({ version: 1, type: 'seccomp', events: [{ syscall: 257, args: [-100, '0x1000', 0] }, { syscall: 'exit_group', args: [0] }, { syscall: 'getpid' }] });
  await expect(page.getByTestId('packet-0')).toContainText('openat(-100, 0x1000, 0)');
  await expect(page.getByTestId('packet-0')).toContainText('ERRNO(1)');
  await expect(page.getByTestId('packet-1')).toContainText('ALLOW');
  await expect(page.getByTestId('packet-2')).toContainText('KILL_PROCESS');
  await edit({ version: 1, type: 'seccomp', events: [{ syscall: 'nosuchcall' }] });
  await expect(page.getByRole('region', { name: 'Packets' }).getByRole('alert')).toContainText('unknown system call "nosuchcall"');
});

test('the seccomp program type is offered for classic BPF only', async ({ page }) => {
  await openApp(page, './#example/tcpdump-tcp');
  const types = page.getByLabel('Program type', { exact: true });
  await expect(types.locator('option[value="seccomp"]')).toHaveCount(1);
  await types.selectOption('seccomp');
  await expect(page.getByLabel('Dialect')).toHaveValue('cbpf');
  // the tcpdump listing loads packet bytes (ldh/ldb), which seccomp_check_filter() refuses
  await expect(page.getByRole('region', { name: 'Verifier' })).toContainText('not allowed in seccomp filters');
  await page.getByLabel('About this program type').click();
  await expect(page.locator('.ptdesc')).toContainText('struct seccomp_data');
  await page.getByLabel('Dialect').selectOption('llvm');
  await types.selectOption('xdp');
  await expect(types.locator('option[value="seccomp"]')).toHaveCount(0);
});

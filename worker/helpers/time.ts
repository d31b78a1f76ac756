// The clock helpers besides ktime_get_ns (kernel/bpf/helpers.c bpf_ktime_get_boot_ns,
// bpf_ktime_get_coarse_ns, bpf_ktime_get_tai_ns, bpf_jiffies64), all read from the VM's virtual clock
// (env.nowNs(): CLOCK_MONOTONIC, which starts at 1 s and advances 1 ns per executed instruction):
//   - CLOCK_BOOTTIME = CLOCK_MONOTONIC here (the simulated machine never suspends);
//   - the coarse clock is the monotonic time of the last timer tick: the virtual clock rounded down to a
//     multiple of TICK_NSEC (4 ms at HZ=250), as ktime_get_coarse_ns returns the time of the last
//     timekeeping update;
//   - CLOCK_TAI = CLOCK_REALTIME + the kernel's TAI offset, with the simulated machine booted at
//     SIM_BOOT_REALTIME_NS (2026-01-01T00:00:00Z). The offset is 0, as the kernel keeps it until an NTP
//     daemon sets it with adjtimex(ADJ_TAI) (then usually 37 s); the reference machine reports 0;
//   - jiffies64 = INITIAL_JIFFIES + monotonic time in ticks. HZ is 250 because the reference kernel of
//     this project (Linux 6.18 on the recording machine) is built with CONFIG_HZ=250 (/proc/config.gz);
//     INITIAL_JIFFIES is (unsigned int)(-300 * HZ), so jiffies wrap a 32-bit counter 5 minutes after boot
//     as on a real 64-bit kernel.
// It does not model NTP adjustments, suspend or leap seconds.

import { registerHelper } from './types';

/** CONFIG_HZ of the reference kernel (zcat /proc/config.gz | grep CONFIG_HZ= on the recording machine). */
export const HZ = 250;
/** TICK_NSEC: nanoseconds per jiffy. */
export const TICK_NSEC = 1_000_000_000n / BigInt(HZ);
/** INITIAL_JIFFIES on 64-bit: (unsigned long)(unsigned int)(-300 * HZ). */
export const INITIAL_JIFFIES = BigInt.asUintN(32, BigInt(-300 * HZ));
/** CLOCK_REALTIME at the simulated boot (CLOCK_MONOTONIC 0): 2026-01-01T00:00:00Z. */
export const SIM_BOOT_REALTIME_NS = 1_767_225_600n * 1_000_000_000n;
/** The kernel's TAI offset (timekeeping's tai_offset) until adjtimex(ADJ_TAI) sets one: 0. */
export const TAI_OFFSET_NS = 0n;

export const jiffiesAt = (monoNs: bigint): bigint => BigInt.asUintN(64, INITIAL_JIFFIES + monoNs / TICK_NSEC);
export const coarseAt = (monoNs: bigint): bigint => monoNs - (monoNs % TICK_NSEC);
export const taiAt = (monoNs: bigint): bigint => SIM_BOOT_REALTIME_NS + TAI_OFFSET_NS + monoNs;

registerHelper({ id: 125, name: 'ktime_get_boot_ns', call: (env) => env.nowNs() });
registerHelper({ id: 160, name: 'ktime_get_coarse_ns', call: (env) => coarseAt(env.nowNs()) });
registerHelper({ id: 208, name: 'ktime_get_tai_ns', call: (env) => taiAt(env.nowNs()) });
registerHelper({ id: 118, name: 'jiffies64', call: (env) => jiffiesAt(env.nowNs()) });

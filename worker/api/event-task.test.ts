// The browser engine passes an event's task (events file "cgroup"/"stack", worker/events/format.ts) to the
// helpers as `cli run --events` does (worker/events/run.ts): the same return values through both paths, and
// a different cgroup gives a different bpf_get_current_cgroup_id.
import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { parseEventsFile } from '../events/format';
import { runEvents } from '../events/run';
import { assemble } from '../asm/index';

// return (u32)bpf_get_current_cgroup_id()
const SOURCE = `.license "GPL"
	call bpf_get_current_cgroup_id
	exit
`;

function browser(progType: string, text: string): string[] {
  const b = engine.build({ source: SOURCE, dialect: 'llvm', progType });
  expect(b.ok).toBe(true);
  const ev = engine.eventInputs(progType, text);
  expect(ev.error).toBeNull();
  engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
  const v = engine.runPackets(0, ev.inputs.length);
  expect(v.map((x) => x.fault)).toEqual(ev.inputs.map(() => null));
  return v.map((x) => x.retval);
}

function cli(text: string): string[] {
  const { program } = assemble(SOURCE);
  const parsed = parseEventsFile(text);
  const r = runEvents(program!, parsed.file!);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.results.map((x) => String(x.retval));
}

describe('event inputs: the task reaches the helpers', () => {
  it('kprobe events: cgroup paths give the CLI\'s cgroup ids, and differ from the root cgroup', () => {
    const text = JSON.stringify({
      version: 1, type: 'kprobe',
      events: [{ function: 'do_sys_openat2', args: [0, 0, 0] }, { function: 'do_sys_openat2', args: [0, 0, 0], cgroup: '/sys/app' }, { function: 'vfs_read', args: [0, 0, 0], cgroup: '/sys/other' }],
    });
    const b = browser('kprobe', text);
    expect(b).toEqual(cli(text));
    expect(new Set(b).size).toBe(3);
  });
});

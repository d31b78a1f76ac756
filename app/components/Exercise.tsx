// Exercises: an example with a task and expected verdicts per sample packet; the checks run on the
// verdicts the engine computed, offline, and show pass/fail.
import { selectInputs, useStore } from '../store';

export function Exercise() {
  const example = useStore((s) => s.examples.find((e) => e.id === s.example) ?? null);
  const verdicts = useStore((s) => s.verdicts);
  const packets = useStore(selectInputs);
  const usingSamples = useStore((s) => s.packets === null);
  if (!example?.task || !example.expect) return null;
  const checks = Object.entries(example.expect).map(([name, want]) => {
    const idx = packets.findIndex((p) => p.name.toLowerCase().includes(name.toLowerCase()));
    const v = idx >= 0 ? verdicts[idx] : undefined;
    const got = v?.verdictClass;
    const pass = v !== undefined && (want === 'keep' || want === 'pass' ? got === 'keep' || got === 'pass' : got === want);
    return { name, want, got: v?.verdict ?? (idx < 0 ? 'no such packet' : '…'), pass };
  });
  const all = usingSamples && checks.every((c) => c.pass);
  return (
    <div className={`exercise ${all ? 'pass' : 'fail'}`} role="region" aria-label="Exercise">
      <strong>Exercise:</strong> {example.task}
      <ul>
        {checks.map((c) => (
          <li key={c.name} className={c.pass ? 'ok' : 'no'}>{c.pass ? '✓' : '✗'} {c.name}: want {c.want}, got {c.got}</li>
        ))}
      </ul>
      <span role="status" className="ex-result">{all ? 'All checks pass.' : usingSamples ? 'Not yet.' : 'Checks run on the sample traffic.'}</span>
    </div>
  );
}

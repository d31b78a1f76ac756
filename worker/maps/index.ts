// Imports every map type so that it registers itself (worker/maps/types.ts describes the registry).
// Other map types add one line here.
import './array';
import './hash';
import './prog_array';
import './percpu';
import './lru_hash';
import './lpm_trie';
import './queue_stack';
import './perf_event_array';
import './sockmap';
import './xdp_targets';
import './ringbuf';
import './map_in_map';
import './stack_trace';
import './cgroup_array';

export * from './types';
export { ArrayMap } from './array';
export { HashMap } from './hash';
export { ProgArrayMap } from './prog_array';
export { RingbufMap } from './ringbuf';
export { MapInMap } from './map_in_map';

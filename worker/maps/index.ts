// Imports every map type so that it registers itself (worker/maps/types.ts describes the registry).
// Other map types add one line here.
import './array';
import './hash';
import './prog_array';

export * from './types';
export { ArrayMap } from './array';
export { HashMap } from './hash';
export { ProgArrayMap } from './prog_array';

// Imports every helper group so that each registers itself (worker/helpers/types.ts describes the registry).
// Other helper groups add one line here.
import './ubpf';
import './kernel';
import './printk';
import './loop';
import './packet';
import './tracing';
import './sockops';
import './time';
import './strings';
import './skb';

export * from './types';
export { formatPrintk } from './printk';

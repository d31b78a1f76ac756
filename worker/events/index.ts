// Events for the non-packet program types: the events file (format.ts), kprobe/perf_event contexts
// (kprobe.ts), tracepoint records (tracepoint.ts), sockets for sock_ops/cgroup_sock/sk_skb (sockets.ts)
// and the runner behind `cli run --events FILE` (run.ts).
export * from './format';
export * from './kprobe';
export * from './tracepoint';
export * from './sockets';
export * from './run';

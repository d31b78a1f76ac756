// sock_ops: set callback flags on connection establishment.
#include "common.h"
SEC("sockops") int ops(struct bpf_sock_ops *skops) {
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
		break;
	}
	skops->reply = 0;
	return 1;
}

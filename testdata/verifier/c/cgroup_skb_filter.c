// cgroup_skb: allow only packets whose mark is even; the return value must be 0 or 1.
#include "common.h"
SEC("cgroup_skb/ingress") int filter(struct __sk_buff *skb) {
	return (skb->mark & 1) == 0;
}

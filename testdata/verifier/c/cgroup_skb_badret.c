// cgroup_skb: returns the mark's low two bits: rejected (return range [0, 1]).
#include "common.h"
SEC("cgroup_skb/ingress") int filter(struct __sk_buff *skb) {
	return skb->mark & 3;
}

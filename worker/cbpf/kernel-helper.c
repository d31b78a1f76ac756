/*
 * Test helper for worker/cbpf/kernel.test.ts (compiled there with the machine's cc; not part of the
 * engine). It runs classic filters in the real kernel and prints what the kernel did:
 *
 *   mode "attach": inside a private network namespace (unshare(CLONE_NEWNET), only its own loopback),
 *     an AF_PACKET socket bound to lo gets each filter with SO_ATTACH_FILTER; every frame is sent on lo
 *     from a second packet socket and an unfiltered control socket confirms delivery. Output per filter:
 *     "F <errno or 0>", then per frame "P <received length or -1>".
 *   mode "testrun": each program (eBPF instructions) is loaded with BPF_PROG_LOAD as a socket filter
 *     and run on each frame with BPF_PROG_TEST_RUN. Output: "F <0 or -errno> <verifier log first line>",
 *     then "P <retval>" per frame.
 *   mode "seccomp": for each program and each case (a record of 7 u64: nr, args[0..5]), a forked child
 *     sets no_new_privs, installs the program with seccomp(SECCOMP_SET_MODE_FILTER) and makes that
 *     system call (the test only uses getpid/getppid/getuid/gettid, harmless whatever the verdict).
 *     Output per program: "F <0 or errno of the install>", per case: "P r <return value> <errno>" or
 *     "P s <signal>" when the child was killed, plus "I <child pid> <parent pid>".
 *
 * Input on stdin (little-endian u32s): nprogs, then per program: ninsns, 8*ninsns bytes, nframes,
 * then per frame: len, bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static uint32_t rd32(void) {
	uint32_t v;
	if (fread(&v, 4, 1, stdin) != 1) { fprintf(stderr, "short input\n"); exit(2); }
	return v;
}
static void rdbytes(void *p, size_t n) {
	if (n && fread(p, 1, n, stdin) != n) { fprintf(stderr, "short input\n"); exit(2); }
}

static unsigned char rbuf[70000];

static int lo_up(void) {
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) return -1;
	close(s);
	return 0;
}

static int bind_lo(int s, int ifindex) {
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	return bind(s, (struct sockaddr *)&sll, sizeof sll);
}

static int attach_mode(void) {
	if (unshare(CLONE_NEWNET) < 0) { printf("E unshare %d\n", errno); return 1; }
	if (lo_up() < 0) { printf("E lo_up %d\n", errno); return 1; }
	int ifindex = if_nametoindex("lo");
	int one = 1;
	int ctrl = socket(AF_PACKET, SOCK_RAW, 0);
	setsockopt(ctrl, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	if (bind_lo(ctrl, ifindex) < 0) { printf("E bind %d\n", errno); return 1; }
	struct timeval tv = { 1, 0 };
	setsockopt(ctrl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int snd = socket(AF_PACKET, SOCK_RAW, 0);
	struct sockaddr_ll to;
	memset(&to, 0, sizeof to);
	to.sll_family = AF_PACKET;
	to.sll_ifindex = ifindex;
	to.sll_halen = 6;
	uint32_t nprogs = rd32();
	for (uint32_t p = 0; p < nprogs; p++) {
		uint32_t n = rd32();
		struct sock_filter *f = calloc(n ? n : 1, sizeof *f);
		rdbytes(f, 8 * (size_t)n);
		struct sock_fprog fp = { (unsigned short)n, f };
		int t = socket(AF_PACKET, SOCK_RAW, 0);
		int rc = setsockopt(t, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) < 0 ? errno : 0;
		setsockopt(t, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
		if (!rc && bind_lo(t, ifindex) < 0) { printf("E bind %d\n", errno); return 1; }
		printf("F %d\n", rc);
		uint32_t nf = rd32();
		for (uint32_t i = 0; i < nf; i++) {
			uint32_t len = rd32();
			unsigned char *frame = malloc(len ? len : 1);
			rdbytes(frame, len);
			if (rc) { printf("P -1\n"); free(frame); continue; }
			if (sendto(snd, frame, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len) { printf("P send%d\n", errno); free(frame); continue; }
			/* The control socket was bound first, so it is later in lo's tap list: once it has the
			 * frame, the filtered socket has already run its filter on it. */
			ssize_t c = recv(ctrl, rbuf, sizeof rbuf, 0);
			if (c < 0) { printf("P lost\n"); free(frame); continue; }
			ssize_t r = recv(t, rbuf, sizeof rbuf, MSG_DONTWAIT);
			printf("P %zd\n", r < 0 ? (ssize_t)-1 : r);
			free(frame);
		}
		close(t);
		free(f);
		fflush(stdout);
	}
	return 0;
}

static char log_buf[1 << 16];

static int testrun_mode(void) {
	uint32_t nprogs = rd32();
	for (uint32_t p = 0; p < nprogs; p++) {
		uint32_t n = rd32();
		struct bpf_insn *insns = calloc(n ? n : 1, sizeof *insns);
		rdbytes(insns, 8 * (size_t)n);
		union bpf_attr a;
		memset(&a, 0, sizeof a);
		a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a.insns = (uintptr_t)insns;
		a.insn_cnt = n;
		a.license = (uintptr_t)"GPL";
		log_buf[0] = 0;
		a.log_buf = (uintptr_t)log_buf;
		a.log_size = sizeof log_buf;
		a.log_level = 1;
		int fd = syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof a);
		int err = fd < 0 ? -errno : 0;
		char *last = log_buf;
		/* the line that explains a rejection: the last one before the "processed N insns" summary */
		for (char *q = log_buf; *q; q++)
			if (*q == '\n' && q[1] && strncmp(q + 1, "processed ", 10)) last = q + 1;
		char line[200];
		snprintf(line, sizeof line, "%.199s", fd < 0 ? last : "");
		for (char *q = line; *q; q++) if (*q == '\n') *q = ' ';
		printf("F %d %s\n", err, line);
		uint32_t nf = rd32();
		for (uint32_t i = 0; i < nf; i++) {
			uint32_t len = rd32();
			unsigned char *frame = malloc(len ? len : 1);
			rdbytes(frame, len);
			if (fd < 0) { printf("P x\n"); free(frame); continue; }
			union bpf_attr t;
			memset(&t, 0, sizeof t);
			t.test.prog_fd = fd;
			t.test.data_in = (uintptr_t)frame;
			t.test.data_size_in = len;
			t.test.repeat = 1;
			if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &t, sizeof t) < 0) printf("P e%d\n", errno);
			else printf("P %u\n", t.test.retval);
			free(frame);
		}
		if (fd >= 0) close(fd);
		free(insns);
		fflush(stdout);
	}
	return 0;
}

struct shared { volatile int done; long ret; int err; };

static int seccomp_mode(void) {
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint32_t nprogs = rd32();
	for (uint32_t p = 0; p < nprogs; p++) {
		uint32_t n = rd32();
		struct sock_filter *f = calloc(n ? n : 1, sizeof *f);
		rdbytes(f, 8 * (size_t)n);
		struct sock_fprog fp = { (unsigned short)n, f };
		uint32_t nc = rd32();
		int first = 1;
		for (uint32_t c = 0; c <= nc; c++) {
			uint64_t rec[7] = { 39, 0, 0, 0, 0, 0, 0 };
			if (c < nc) {
				uint32_t len = rd32();
				if (len != sizeof rec) { fprintf(stderr, "bad seccomp case\n"); exit(2); }
				rdbytes(rec, sizeof rec);
			}
			sh->done = 0;
			sh->ret = 0;
			sh->err = 0;
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0) {
				prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
				if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0) {
					sh->err = errno;
					sh->done = 2;
					for (;;) ;
				}
				if (c == nc) { sh->done = 3; for (;;) ; } /* install-only probe */
				errno = 0;
				long r = syscall((long)rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6]);
				sh->ret = r;
				sh->err = errno;
				sh->done = 1;
				for (;;) ;
			}
			int status = 0;
			for (int spin = 0; spin < 2000000 && !sh->done; spin++) {
				if (waitpid(pid, &status, WNOHANG) == pid) goto reaped;
				usleep(10);
			}
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		reaped:
			if (first) {
				printf("F %d\n", sh->done == 2 ? sh->err : 0);
				first = 0;
				if (sh->done == 2) { for (uint32_t k = c + 1; k < nc; k++) { uint32_t len = rd32(); uint64_t tmp[7]; rdbytes(tmp, len); } break; }
			}
			if (c == nc) break;
			if (sh->done == 1) printf("P r %ld %d %d %d\n", sh->ret, sh->err, (int)pid, (int)getpid());
			else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) printf("P s %d\n", WTERMSIG(status));
			else printf("P ? %d\n", status);
		}
		free(f);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc > 1 && !strcmp(argv[1], "seccomp")) return seccomp_mode();
	if (argc > 1 && !strcmp(argv[1], "attach")) return attach_mode();
	if (argc > 1 && !strcmp(argv[1], "testrun")) return testrun_mode();
	fprintf(stderr, "usage: %s attach|testrun < input\n", argv[0]);
	return 2;
}

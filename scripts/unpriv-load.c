// unpriv-load: loads BPF programs with bpf(BPF_PROG_LOAD) as whoever runs it (scripts/record-unpriv-goldens.ts
// runs it as nobody, without capabilities) and prints each verdict with the verifier log (log_level 1).
// It creates each program's maps first (as the same user) and patches the ld_imm64 map references
// (src 1 = map fd, src 2 = map value; imm = index into the program's maps) with the new fds.
// It judges nothing itself. Built with gcc by the recorder at record time; test-only tooling.
//
// Input on stdin, one program after another:
//   P <prog_type> <n_slots> <n_maps> <prog_flags> <license: the rest of the line>
//   M <map_type> <key_size> <value_size> <max_entries> <map_flags>     (n_maps lines)
//   I <hex of the 8-byte instruction slots>
// Output on stdout, one line per program:
//   H uid=<uid> capeff=<hex>                                          (once, first)
//   R ok|fail <errno> <log as hex>
//   R mapfail <errno> <map index>
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_SIZE (16u << 20)
#define MAX_MAPS 64

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void print_header(void) {
  char line[256];
  char capeff[64] = "?";
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "CapEff: %63s", capeff) == 1) break;
    fclose(f);
  }
  printf("H uid=%u capeff=%s\n", (unsigned)getuid(), capeff);
  fflush(stdout);
}

int main(void) {
  static char log[LOG_SIZE];
  char license[128];
  char *line = NULL;
  size_t cap = 0;
  print_header();
  for (;;) {
    unsigned ptype, nslots, nmaps, pflags;
    if (getline(&line, &cap, stdin) < 0) break;
    if (line[0] != 'P') continue;
    if (sscanf(line, "P %u %u %u %u %127[^\n]", &ptype, &nslots, &nmaps, &pflags, license) != 5) {
      fprintf(stderr, "bad P line\n");
      return 2;
    }
    int fds[MAX_MAPS];
    int nfds = 0;
    int map_err = 0, map_bad = -1;
    for (unsigned k = 0; k < nmaps; k++) {
      unsigned mt, ks, vs, me, mf;
      if (getline(&line, &cap, stdin) < 0 || sscanf(line, "M %u %u %u %u %u", &mt, &ks, &vs, &me, &mf) != 5) {
        fprintf(stderr, "bad M line\n");
        return 2;
      }
      if (map_bad >= 0 || k >= MAX_MAPS) {
        if (map_bad < 0) { map_bad = (int)k; map_err = E2BIG; }
        continue;
      }
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.map_type = mt;
      a.key_size = ks;
      a.value_size = vs;
      a.max_entries = me;
      a.map_flags = mf;
      long fd = sys_bpf(BPF_MAP_CREATE, &a);
      if (fd < 0) { map_bad = (int)k; map_err = errno; continue; }
      fds[nfds++] = (int)fd;
    }
    if (getline(&line, &cap, stdin) < 0 || line[0] != 'I') {
      fprintf(stderr, "missing I line\n");
      return 2;
    }
    struct bpf_insn *insns = calloc(nslots ? nslots : 1, sizeof(struct bpf_insn));
    unsigned char *bytes = (unsigned char *)insns;
    const char *h = line + 2;
    for (unsigned b = 0; b < nslots * 8; b++) {
      int hi = hexval(h[2 * b]), lo = hi < 0 ? -1 : hexval(h[2 * b + 1]);
      if (hi < 0 || lo < 0) { fprintf(stderr, "bad hex\n"); return 2; }
      bytes[b] = (unsigned char)(hi * 16 + lo);
    }
    if (map_bad >= 0) {
      printf("R mapfail %d %d\n", map_err, map_bad);
    } else {
      for (unsigned k = 0; k + 1 < nslots; k++) {
        if (insns[k].code == (BPF_LD | BPF_DW | BPF_IMM)) {
          int src = insns[k].src_reg;
          if ((src == BPF_PSEUDO_MAP_FD || src == BPF_PSEUDO_MAP_VALUE) && insns[k].imm >= 0 && insns[k].imm < nfds)
            insns[k].imm = fds[insns[k].imm];
          k++;
        }
      }
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.prog_type = ptype;
      a.insn_cnt = nslots;
      a.insns = (uint64_t)(uintptr_t)insns;
      a.license = (uint64_t)(uintptr_t)license;
      a.log_level = 1;
      a.log_size = LOG_SIZE;
      a.log_buf = (uint64_t)(uintptr_t)log;
      a.prog_flags = pflags;
      log[0] = 0;
      long fd = sys_bpf(BPF_PROG_LOAD, &a);
      int err = fd < 0 ? errno : 0;
      if (fd >= 0) close((int)fd);
      printf("R %s %d ", fd >= 0 ? "ok" : "fail", err);
      size_t n = strnlen(log, LOG_SIZE);
      for (size_t b = 0; b < n; b++) printf("%02x", (unsigned char)log[b]);
      printf("\n");
    }
    fflush(stdout);
    free(insns);
    for (int k = 0; k < nfds; k++) close(fds[k]);
  }
  free(line);
  return 0;
}

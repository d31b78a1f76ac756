// Test-only kernel oracle for the program-type table: loads tiny programs with bpf(BPF_PROG_LOAD)
// and prints the verifier's verdict, one line per request.
// stdin lines: "<prog_type> <expected_attach_type> <gpl 0|1> <hex instruction bytes>"
// stdout lines: "ok" or "err <errno> <last non-empty line of the verifier log>".
// Test-run lines: "T <prog_type> <attach> <hex insns> <hex data_in> <hex ctx_in or ->" load the program and run
// it once with BPF_PROG_TEST_RUN: "run <retval> <hex data_out or -> <hex ctx_out or ->" or "err <errno> <where>".
// Map lines: "M <map_type> <key_size> <value_size> <max_entries> <map_flags> <op> <op> ..." create a map and
// apply syscall operations, printing one result per op: u:<key>:<value>:<flags> update, l:<key> lookup,
// d:<key> delete, n:<key or -> get_next_key, p:<value>:<flags> push (update with NULL key), o pop
// (lookup_and_delete with NULL key), k peek (lookup with NULL key). Results: "<errno or 0>[:<hex>]".
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>

static char logbuf[1 << 16];

static size_t unhex(const char *hex, unsigned char *out, size_t max) {
  size_t n = strlen(hex) / 2;
  if (!strcmp(hex, "-")) return 0;
  for (size_t i = 0; i < n && i < max; i++) { unsigned b; sscanf(hex + 2 * i, "%2x", &b); out[i] = (unsigned char)b; }
  return n < max ? n : max;
}

static void puthex(const unsigned char *b, size_t n) {
  if (!n) { fputs("-", stdout); return; }
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static void test_run(char *line) {
  unsigned type, attach;
  static char prog[1 << 15], data[1 << 14], ctx[1 << 12];
  static unsigned char insns[1 << 14], din[1 << 13], dout[1 << 13], cin[1 << 11], cout[1 << 11];
  if (sscanf(line, "T %u %u %32767s %16383s %4095s", &type, &attach, prog, data, ctx) != 5) { puts("err 0 bad request"); return; }
  size_t ni = unhex(prog, insns, sizeof insns), nd = unhex(data, din, sizeof din), nc = unhex(ctx, cin, sizeof cin);
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = type;
  a.expected_attach_type = attach;
  a.insns = (unsigned long)insns;
  a.insn_cnt = (unsigned)(ni / 8);
  a.license = (unsigned long)"GPL";
  int fd = (int)syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof a);
  if (fd < 0) { printf("err %d load\n", errno); return; }
  memset(&a, 0, sizeof a);
  memset(dout, 0, sizeof dout);
  memset(cout, 0, sizeof cout);
  a.test.prog_fd = fd;
  a.test.data_in = (unsigned long)din;
  a.test.data_size_in = (unsigned)nd;
  a.test.data_out = (unsigned long)dout;
  a.test.data_size_out = sizeof dout;
  if (nc) {
    a.test.ctx_in = (unsigned long)cin;
    a.test.ctx_size_in = (unsigned)nc;
    a.test.ctx_out = (unsigned long)cout;
    a.test.ctx_size_out = (unsigned)nc;
  }
  a.test.repeat = 1;
  int r = (int)syscall(__NR_bpf, BPF_PROG_TEST_RUN, &a, sizeof a);
  int e = errno;
  close(fd);
  if (r < 0) { printf("err %d run\n", e); return; }
  printf("run %u ", a.test.retval);
  puthex(dout, a.test.data_size_out);
  fputs(" ", stdout);
  puthex(cout, nc ? a.test.ctx_size_out : 0);
  fputs("\n", stdout);
}

static void map_ops(char *line) {
  unsigned type, ks, vs, max, flags;
  int n = 0;
  if (sscanf(line, "M %u %u %u %u %u %n", &type, &ks, &vs, &max, &flags, &n) < 5) { puts("err 0 bad request"); return; }
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_type = type; a.key_size = ks; a.value_size = vs; a.max_entries = max; a.map_flags = flags;
  int fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof a);
  if (fd < 0) { printf("err %d create\n", errno); return; }
  long ncpu = sysconf(_SC_NPROCESSORS_CONF);
  static unsigned char key[512], val[1 << 16], out[1 << 16];
  fputs("ok", stdout);
  for (char *op = strtok(line + n, " \n"); op; op = strtok(NULL, " \n")) {
    char k[1100] = "-", v[1 << 14] = "-";
    unsigned f = 0;
    int r = 0;
    size_t outlen = 0;
    memset(&a, 0, sizeof a);
    a.map_fd = fd;
    memset(out, 0, sizeof out);
    switch (op[0]) {
    case 'u': sscanf(op, "u:%1099[^:]:%16383[^:]:%u", k, v, &f); memset(val, 0, sizeof val); unhex(k, key, sizeof key); unhex(v, val, sizeof val);
      a.key = (unsigned long)key; a.value = (unsigned long)val; a.flags = f; r = (int)syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &a, sizeof a); break;
    case 'l': sscanf(op, "l:%1099s", k); unhex(k, key, sizeof key);
      a.key = (unsigned long)key; a.value = (unsigned long)out; r = (int)syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof a);
      outlen = (type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH) ? ((vs + 7) & ~7u) * (size_t)ncpu : vs; break;
    case 'd': sscanf(op, "d:%1099s", k); unhex(k, key, sizeof key);
      a.key = (unsigned long)key; r = (int)syscall(__NR_bpf, BPF_MAP_DELETE_ELEM, &a, sizeof a); break;
    case 'n': sscanf(op, "n:%1099s", k); unhex(k, key, sizeof key);
      a.key = strcmp(k, "-") ? (unsigned long)key : 0; a.next_key = (unsigned long)out; r = (int)syscall(__NR_bpf, BPF_MAP_GET_NEXT_KEY, &a, sizeof a); outlen = ks; break;
    case 'p': sscanf(op, "p:%16383[^:]:%u", v, &f); memset(val, 0, sizeof val); unhex(v, val, sizeof val);
      a.value = (unsigned long)val; a.flags = f; r = (int)syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &a, sizeof a); break;
    case 'o': a.value = (unsigned long)out; r = (int)syscall(__NR_bpf, BPF_MAP_LOOKUP_AND_DELETE_ELEM, &a, sizeof a); outlen = vs; break;
    case 'k': a.value = (unsigned long)out; r = (int)syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof a); outlen = vs; break;
    }
    if (r < 0) printf(" %d", errno);
    else { fputs(" 0", stdout); if (outlen) { fputs(":", stdout); puthex(out, outlen); } }
  }
  fputs("\n", stdout);
  close(fd);
}

int main(void) {
  char line[1 << 16];
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    if (line[0] == 'T') { test_run(line); continue; }
    if (line[0] == 'M') { map_ops(line); continue; }
    unsigned type, attach, gpl;
    char hex[1 << 15];
    if (sscanf(line, "%u %u %u %32767s", &type, &attach, &gpl, hex) != 4) { puts("err bad request"); continue; }
    size_t n = strlen(hex) / 2;
    unsigned char insns[1 << 14];
    for (size_t i = 0; i < n && i < sizeof insns; i++) { unsigned b; sscanf(hex + 2 * i, "%2x", &b); insns[i] = (unsigned char)b; }
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = type;
    a.expected_attach_type = attach;
    a.insns = (unsigned long)insns;
    a.insn_cnt = (unsigned)(n / 8);
    a.license = (unsigned long)(gpl ? "GPL" : "MIT");
    logbuf[0] = 0;
    a.log_buf = (unsigned long)logbuf;
    a.log_size = sizeof logbuf;
    a.log_level = 1;
    int fd = (int)syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof a);
    if (fd >= 0) { close(fd); puts("ok"); continue; }
    int e = errno;
    // Find the last non-empty line that is not the "processed N insns" summary.
    char *last = NULL;
    for (char *p = strtok(logbuf, "\n"); p; p = strtok(NULL, "\n")) {
      if (!*p || !strncmp(p, "processed ", 10) || !strncmp(p, "verification time", 17)) continue;
      last = p;
    }
    printf("err %d %s\n", e, last ? last : "");
  }
  return 0;
}

// Test-only kernel oracle for the program-type table: loads tiny programs with bpf(BPF_PROG_LOAD)
// and prints the verifier's verdict, one line per request.
// stdin lines: "<prog_type> <expected_attach_type> <gpl 0|1> <hex instruction bytes>"
// stdout lines: "ok" or "err <errno> <last non-empty line of the verifier log>".
// Test-run lines: "T <prog_type> <attach> <hex insns> <hex data_in> <hex ctx_in or ->" load the program and run
// it once with BPF_PROG_TEST_RUN: "run <retval> <hex data_out or -> <hex ctx_out or ->" or "err <errno> <where>".
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

int main(void) {
  char line[1 << 16];
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    if (line[0] == 'T') { test_run(line); continue; }
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

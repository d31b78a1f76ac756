// Test-only kernel oracle for the program-type table: loads tiny programs with bpf(BPF_PROG_LOAD)
// and prints the verifier's verdict, one line per request.
// stdin lines: "<prog_type> <expected_attach_type> <gpl 0|1> <hex instruction bytes>"
// stdout lines: "ok" or "err <last non-empty line of the verifier log>".
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>

static char logbuf[1 << 16];

int main(void) {
  char line[1 << 16];
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
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

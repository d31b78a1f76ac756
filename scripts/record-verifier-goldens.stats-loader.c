// stats-loader: loads every program of a BPF ELF object with libbpf, asking the kernel verifier for
// log_level 4 (BPF_LOG_STATS: only the "verification time", "stack depth" and "processed ... insns"
// lines) or any other level given as the second argument, and prints the outcome and the log:
//   ok|fail <errno>\n<log>
// It judges nothing itself; scripts/record-verifier-goldens.stats.ts builds it with gcc at record time
// (test-only tooling). Usage: stats-loader OBJ [LOG_LEVEL]
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define LOG_SIZE (1u << 20)

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) {
  (void)level; (void)fmt; (void)args;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s OBJ [LOG_LEVEL]\n", argv[0]);
    return 2;
  }
  unsigned level = argc > 2 ? (unsigned)atoi(argv[2]) : 4;
  libbpf_set_print(quiet);
  struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
  if (!obj) {
    printf("fail %d\nopen failed\n", errno);
    return 0;
  }
  static char log[LOG_SIZE];
  struct bpf_program *p;
  bpf_object__for_each_program(p, obj) {
    bpf_program__set_log_level(p, level);
    bpf_program__set_log_buf(p, log, sizeof(log));
  }
  int err = bpf_object__load(obj);
  printf("%s %d\n%s", err ? "fail" : "ok", err ? -err : 0, log);
  bpf_object__close(obj);
  return 0;
}

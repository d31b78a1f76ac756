#!/usr/bin/env bash
# Re-records the verifier's kernel goldens: compiles testdata/verifier/c/*.c with clang-19 into
# testdata/verifier/obj/*.o, then loads every corpus program into the running kernel with bpftool
# (scripts/record-verifier-goldens.ts) and writes testdata/verifier/kernel.jsonl.
# Needs root, bpftool, clang-19 and the UAPI + libbpf headers (Debian: linux-libc-dev, libbpf-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang-19}
MULTIARCH=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p testdata/verifier/obj
for src in testdata/verifier/c/*.c; do
  name=$(basename "$src" .c)
  "$CLANG" -target bpf -O2 -g -I"/usr/include/$MULTIARCH" -c "$src" -o "testdata/verifier/obj/$name.o"
done
npx tsx scripts/record-verifier-goldens.ts "$@"

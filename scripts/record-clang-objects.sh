#!/usr/bin/env bash
# Records the ELF test objects: compiles testdata/c/*.c with clang-19 for the BPF target into
# testdata/obj/*.o and writes `llvm-objdump-19 -d -r` of each next to it as <name>.objdump (the golden
# that worker/elf/read.test.ts compares readElf against). Re-run after changing a C source; never edit
# the outputs by hand. Needs clang-19, llvm-objdump-19 and the Linux UAPI + libbpf headers
# (Debian: linux-libc-dev, libbpf-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-19}
# Debian keeps <asm/types.h> under the multiarch include directory.
MULTIARCH=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p testdata/obj
for src in testdata/c/*.c; do
  name=$(basename "$src" .c)
  out=testdata/obj/$name.o
  "$CLANG" -target bpf -O2 -g -I"/usr/include/$MULTIARCH" -c "$src" -o "$out"
  {
    echo "# $("$OBJDUMP" --version | grep -m1 -i 'llvm version' | sed 's/^ *//') ; $("$CLANG" --version | head -1)"
    # The first lines name the temporary path; keep only the object's base name for stable goldens.
    "$OBJDUMP" -d -r "$out" | sed "s|^$out:|$name.o:|"
  } > "testdata/obj/$name.objdump"
  echo "recorded $out"
done

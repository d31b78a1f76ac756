#!/usr/bin/env bash
# `npm run goldens`: re-records every golden file from the real tools, in dependency order.
# Needs (Debian): clang-19 llvm-19 bpftool tcpdump libbpf-dev gcc libpcap0.8; root for the kernel recorders.
# Each recorder names its tool versions in the files it writes. Review `git diff` afterwards: a changed
# golden means the tools (or the kernel) changed, or a recorder did.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "== $*"; }
step "helper ids from the UAPI header";      node scripts/record-helper-ids.mjs
step "llvm-mc-19 / llvm-objdump-19";         npx tsx scripts/record-llvm-goldens.ts
step "clang-19 objects";                     bash scripts/record-clang-objects.sh
step "tcpdump filter listings";              bash scripts/record-tcpdump-goldens.sh
step "pcap files from tcpdump";              bash scripts/record-pcap-goldens.sh
step "tracefs/kernel catalogues";            node worker/events/record-kernel-catalogue.mjs
step "helpers allowed per program type";    node worker/progtypes/kernel-probe/record-helpers.mjs
step "kernel verifier verdicts";             bash scripts/record-verifier-goldens.sh
step "kernel verifier stats and level-2 logs"; npx tsx scripts/record-verifier-goldens.stats.ts
step "kernel verifier, unprivileged user";   npx tsx scripts/record-unpriv-goldens.ts
step "helper prototype probes";              npx tsx scripts/record-helper-protos.ts
step "examples index";                       node scripts/gen-examples-index.mjs
echo; echo "goldens recorded; review them with git diff"

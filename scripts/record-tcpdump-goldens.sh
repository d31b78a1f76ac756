#!/usr/bin/env bash
# Re-records testdata/cbpf goldens from the real tcpdump and libpcap (see record-tcpdump-goldens.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/record-tcpdump-goldens.mjs "$@"

#!/usr/bin/env bash
# Records pcap goldens with the real tcpdump (Debian package) into testdata/pcap/:
#   samples-us.pcap / samples-ns.pcap  bpfplay's sample frames (worker/packets/samples.ts), injected on the
#                                      loopback device through an AF_PACKET socket while `tcpdump -i lo -w`
#                                      captures them (microsecond and nanosecond timestamp files);
#   kernel-lo.pcap                     traffic the kernel itself generates on lo (UDP datagrams and a TCP
#                                      connection to 127.0.0.1);
#   *.txt                              `tcpdump -r FILE -nn -tt -xx -vv` of each file, nanosecond
#                                      timestamps for the nanosecond file (packet bytes and
#                                      tcpdump's checksum verdicts), the text the tests compare against;
#   samples.hex                        the injected frames, one hex line per frame, in sample order.
# Needs root (capturing and injecting on lo), tcpdump, python3 and node. Loopback only; nothing leaves the host.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=testdata/pcap
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Build the sample frames with bpfplay's builder.
cat > "$tmp/dump.mts" <<TS
import { SAMPLES, buildSample } from '$root/worker/packets/samples.ts';
for (const s of SAMPLES) {
  const b = buildSample(s.id)!;
  if (b.diagnostics.length) throw new Error(s.id + ': ' + b.diagnostics[0].message);
  for (const f of b.frames) console.log(s.id + ' ' + Buffer.from(f).toString('hex'));
}
TS
npx tsx "$tmp/dump.mts" > "$out/samples.hex"

inject() {
  python3 - "$out/samples.hex" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("lo", 0))
for line in open(sys.argv[1]):
    _id, hexs = line.split()
    s.send(bytes.fromhex(hexs))
    time.sleep(0.02)
PY
}

capture() { # capture FILE PRECISION FILTER COMMAND...
  local file=$1 prec=$2 filter=$3
  shift 3
  local errf="$tmp/tcpdump-$(basename "$file").err"
  tcpdump -i lo -U --immediate-mode -s 0 --time-stamp-precision="$prec" -w "$file" "$filter" 2>"$errf" &
  local pid=$!
  for _ in $(seq 50); do grep -q "listening on" "$errf" && break; sleep 0.1; done
  sleep 1
  "$@"
  sleep 1
  kill -INT "$pid"
  wait "$pid" || true
  grep -h "packets captured" "$errf" | sed "s|^|$(basename "$file"): |"
}

# Our frames use locally administered MACs 02:00:00:00:00:0a/0b, which the kernel never sends on lo.
mac_filter='ether host 02:00:00:00:00:0a or ether host 02:00:00:00:00:0b'
capture "$out/samples-us.pcap" micro "$mac_filter" inject
capture "$out/samples-ns.pcap" nano "$mac_filter" inject

kernel_traffic() {
  python3 - <<'PY'
import socket, threading, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    u.sendto(b"bpfplay udp %d" % i, ("127.0.0.1", 9))
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", 0)); l.listen(1)
port = l.getsockname()[1]
def serve():
    c, _ = l.accept(); c.sendall(c.recv(100).upper()); c.close()
t = threading.Thread(target=serve); t.start()
c = socket.create_connection(("127.0.0.1", port)); c.sendall(b"hello bpfplay"); c.recv(100); c.close(); t.join()
time.sleep(0.1)
PY
}
capture "$out/kernel-lo.pcap" micro 'host 127.0.0.1 and (udp port 9 or tcp)' kernel_traffic

for f in samples-us kernel-lo; do
  tcpdump -r "$out/$f.pcap" -nn -tt -xx -vv > "$out/$f.txt" 2>/dev/null
done
tcpdump -r "$out/samples-ns.pcap" --time-stamp-precision=nano -nn -tt -xx -vv > "$out/samples-ns.txt" 2>/dev/null
tcpdump --version 2>&1 | head -2 > "$out/TOOL_VERSION"
echo "recorded: $(ls "$out" | tr '\n' ' ')"

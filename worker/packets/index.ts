// Packets: builder (build.ts), decoder labelling every byte (decode.ts), hex paste (hex.ts), pcap/pcapng
// (pcap.ts), checksums (checksum.ts), addresses (addr.ts) and ready-made traffic (samples.ts).
export * from './addr';
export * from './build';
export * from './checksum';
export * from './decode';
export * from './hex';
export * from './pcap';
export * from './samples';

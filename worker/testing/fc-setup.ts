// Vitest setup: fast-check runs from a fixed seed so that CI is reproducible; set FC_SEED to explore
// other inputs (any failure prints the seed and path to replay it).
import fc from 'fast-check';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed;
fc.configureGlobal({ seed });

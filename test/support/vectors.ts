import { readFileSync } from 'node:fs';

// The protocol test vectors (a copy of the wire reference's vectors.json).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const vectors: any = JSON.parse(readFileSync(new URL('../fixtures/protocol-vectors.json', import.meta.url), 'utf8'));

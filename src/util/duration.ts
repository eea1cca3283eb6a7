import { usageError } from './errors.js';

// Largest units first: the order both the parser insists on and the formatter writes.
const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

// Node's timers overflow above 2^31 - 1 ms (they would fire at once), and every duration here
// ends up in a timer.
export const MAX_DURATION_MS = 2_147_483_647;

const PART = /([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(ms|d|h|m|s)/gy;
const BARE_SECONDS = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)$/;

/**
 * Milliseconds from `500ms`, `30s`, `1.5s`, `15m`, `2h`, `1d`, a combination in descending
 * order (`1m30s`, as formatDuration writes), or a bare number of seconds.
 */
export function parseDuration(input: string, label: string): number {
  const text = input.trim();
  const invalid = (why: string) =>
    usageError(
      `${label} ${JSON.stringify(input)} ${why}: use a positive number with a unit (ms, s, m, h, d), e.g. 500ms, 30s, 1.5s, 15m, 2h, 1d; a bare number means seconds`,
    );
  let total = 0;
  if (BARE_SECONDS.test(text)) {
    total = Number(text) * 1000;
  } else {
    PART.lastIndex = 0;
    let lastRank = -1;
    let end = 0;
    for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
      const rank = UNITS.findIndex(([unit]) => unit === match?.[2]);
      if (rank <= lastRank) throw invalid('repeats a unit or puts a smaller one first');
      lastRank = rank;
      total += Number(match[1]) * (UNITS[rank]?.[1] ?? 0);
      end = PART.lastIndex;
    }
    if (lastRank === -1 || end !== text.length) throw invalid('is not a duration');
  }
  const ms = Math.round(total);
  if (!(ms >= 1)) throw invalid('is not a positive duration');
  if (ms > MAX_DURATION_MS) throw invalid(`is longer than the ${formatDuration(MAX_DURATION_MS)} cronmon can wait`);
  return ms;
}

/** A compact form of `ms` for messages: `500ms`, `30s`, `1.5s`, `1m30s`, `2h`, `1d`. */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms));
  const sign = ms < 0 && rest > 0 ? '-' : '';
  if (rest < 1000) return `${sign}${rest}ms`;
  let out = '';
  for (const [unit, size] of UNITS.slice(0, 3)) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  // Seconds keep their milliseconds as a decimal fraction ("1.5s", not "1s500ms").
  if (rest > 0) out += `${String(rest / 1000)}s`;
  return sign + out;
}

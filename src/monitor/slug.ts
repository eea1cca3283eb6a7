import { usageError } from '../util/errors.js';

// Sentry stores a monitor under a rewritten slug: relay keeps the first 50 characters, then the
// monitor consumer runs Django's slugify and cuts to 50 again. Sending the rewritten form
// ourselves means the slug cronmon prints is the one Sentry shows.
const MAX_SLUG_LENGTH = 50;

// Python's `\s` on ASCII text also matches the information separators U+001C..U+001F, which
// JavaScript's `\s` does not.
const PY_ASCII_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const DISALLOWED = new RegExp(`[^a-z0-9_${PY_ASCII_SPACE}-]`, 'g');
const SEPARATOR_RUNS = new RegExp(`[${PY_ASCII_SPACE}-]+`, 'g');

const takeChars = (value: string, count: number): string => Array.from(value).slice(0, count).join('');

// django.utils.text.slugify with allow_unicode=False.
function djangoSlugify(value: string): string {
  const ascii = value.normalize('NFKD').replace(/[^\p{ASCII}]/gu, '');
  return ascii
    .toLowerCase()
    .replace(DISALLOWED, '')
    .replace(SEPARATOR_RUNS, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/**
 * The slug Sentry files a check-in under: relay's 50-character cut, then
 * `slugify(slug)[:50].strip("-")`. One deliberate difference: when NFKD expansion (e.g. "ﬀ")
 * pushes a `_` to the 50th place, Sentry's single pass keeps it but would strip it from the slug
 * we send, so trailing `_` is stripped here too. The result is therefore a fixed point: Sentry
 * stores exactly what this returns.
 */
export function normaliseSlug(input: string): string {
  const relayed = takeChars(input, MAX_SLUG_LENGTH);
  return djangoSlugify(relayed)
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/[-_]+$/, '');
}

/** The normalised slug, or a usage error naming `label` when there is nothing usable. */
export function requireSlug(input: string | undefined, label: string): string {
  if (input === undefined || input === '') {
    throw usageError(`${label} is required: the monitor slug, e.g. nightly-backup`);
  }
  const slug = normaliseSlug(input);
  if (slug === '') {
    throw usageError(`${label} ${JSON.stringify(input)} has no letters or digits Sentry keeps (a-z, 0-9, "_", "-")`);
  }
  return slug;
}

/** The stricter rule of the REST API's slug field: `^[a-z0-9_-]{1,50}$`, not all digits. */
export function isValidApiSlug(slug: string): boolean {
  return /^[a-z0-9_-]{1,50}$/.test(slug) && !/^[0-9]+$/.test(slug);
}

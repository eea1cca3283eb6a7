// Text that came from outside (a server's answer, a sender's check-in, a config file) is shown
// only through these: a control character in it could otherwise forge extra `cronmon:` lines,
// move the cursor or retitle the terminal, and a URL could carry a password.

// C0 (newline, CR, ESC…), DEL and C1 (0x80–0x9f, where 0x9b is a one-byte CSI), plus the
// invisible format characters that reorder or hide text (bidi overrides, zero-width, BOM).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// The same minus C0, which JSON.stringify already escapes.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (char: string, digits: number) => char.charCodeAt(0).toString(16).padStart(digits, '0');

/** The text on one line with every control and format character written as an escape (\n, \x1b, \u202e). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? (char <= '\u00ff' ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`));
}

/** JSON.stringify whose output is also safe on a terminal (the same JSON value, only escaped). */
export function printableJson(value: unknown, indent?: number): string {
  // Outside string literals JSON is plain ASCII, so these characters only occur inside strings.
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}

/** Replaces the user:password part of every URL in a text with ***. */
export function maskUrlCredentials(text: string): string {
  // Greedy up to the last @ of the authority: a password may itself contain an unencoded @.
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1***@');
}

import { describe, expect, it } from 'vitest';
import { check } from '../../src/doctor/check.js';
import { formatChecks, formatChecksJson } from '../../src/doctor/format.js';

const checks = [
  check('dsn', 'ok', 'https://***@o1.ingest.sentry.io/42 from --dsn'),
  check('sentry', 'fail', 'connection refused by o1.ingest.sentry.io', 'check the host'),
  check('clock', 'skip', 'not compared: Sentry was not reached'),
  check('timezone', 'warn', 'Asia/Tokyo (TZ) here', 'pass --timezone'),
];

describe('formatChecks', () => {
  it('prints one line per check: symbol, aligned label, detail and fix', () => {
    expect(formatChecks(checks)).toBe(
      [
        '✓ DSN          https://***@o1.ingest.sentry.io/42 from --dsn',
        '✗ Sentry       connection refused by o1.ingest.sentry.io; fix: check the host',
        '- clock        not compared: Sentry was not reached',
        '! time zone    Asia/Tokyo (TZ) here; fix: pass --timezone',
        '',
      ].join('\n'),
    );
  });

  it('keeps only warnings and failures when quiet', () => {
    expect(
      formatChecks(checks, true)
        .split('\n')
        .filter(Boolean)
        .map((line) => line[0]),
    ).toEqual(['✗', '!']);
    expect(formatChecks([checks[0]!], true)).toBe('');
  });

  it('keeps text from servers and files on its line', () => {
    expect(formatChecks([check('sentry', 'fail', 'answered 400 (bad\ncronmon: forged\x1b[2J)')])).toBe(
      '✗ Sentry       answered 400 (bad\\ncronmon: forged\\x1b[2J)\n',
    );
  });
});

describe('formatChecksJson', () => {
  it('is {ok, checks: [{name, ok, level, detail, fix}]}; only a failure is not ok', () => {
    expect(JSON.parse(formatChecksJson(checks))).toEqual({
      ok: false,
      checks: [
        { name: 'dsn', ok: true, level: 'ok', detail: 'https://***@o1.ingest.sentry.io/42 from --dsn', fix: null },
        { name: 'sentry', ok: false, level: 'fail', detail: 'connection refused by o1.ingest.sentry.io', fix: 'check the host' },
        { name: 'clock', ok: true, level: 'skip', detail: 'not compared: Sentry was not reached', fix: null },
        { name: 'timezone', ok: true, level: 'warn', detail: 'Asia/Tokyo (TZ) here', fix: 'pass --timezone' },
      ],
    });
    expect(JSON.parse(formatChecksJson([checks[0]!, checks[3]!])).ok).toBe(true);
  });
});

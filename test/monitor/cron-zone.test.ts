import { describe, expect, it } from 'vitest';
import { cronZone, zoneName, type ZoneSources } from '../../src/monitor/cron-zone.js';

const host = (overrides: Partial<ZoneSources> = {}): ZoneSources => ({
  readLink: () => '/usr/share/zoneinfo/Asia/Tokyo',
  readFile: () => 'Europe/Lisbon\n',
  intlZone: () => 'Australia/Sydney',
  ...overrides,
});
const missing = () => {
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};

describe('cronZone', () => {
  it('takes CRON_TZ first, then TZ, then the system zone', () => {
    expect(cronZone({ CRON_TZ: 'America/New_York', TZ: 'Europe/Vienna' }, host())).toEqual({ zone: 'America/New_York', source: 'CRON_TZ' });
    expect(cronZone({ TZ: ':Europe/Vienna' }, host())).toEqual({ zone: 'Europe/Vienna', source: 'TZ' });
    expect(cronZone({}, host())).toEqual({ zone: 'Asia/Tokyo', source: 'the system time zone, /etc/localtime' });
  });

  it('falls back to /etc/timezone, then Intl, then UTC', () => {
    expect(cronZone({}, host({ readLink: missing })).zone).toBe('Europe/Lisbon');
    expect(cronZone({}, host({ readLink: missing, readFile: missing })).zone).toBe('Australia/Sydney');
    expect(cronZone({}, host({ readLink: missing, readFile: missing, intlZone: () => undefined }))).toEqual({ zone: 'UTC', source: 'no time zone found, UTC' });
  });

  it('skips values that name no zone Sentry knows', () => {
    expect(cronZone({ CRON_TZ: 'CET-1CEST', TZ: 'Mars/Olympus' }, host()).zone).toBe('Asia/Tokyo');
    expect(cronZone({ CRON_TZ: '' }, host({ readLink: () => '/etc/zoneinfo-custom' })).zone).toBe('Europe/Lisbon');
  });
});

describe('zoneName', () => {
  it.each([
    ['Europe/Vienna', 'Europe/Vienna'],
    [':America/Chicago', 'America/Chicago'],
    ['/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC'],
    ['../usr/share/zoneinfo/posix/Europe/Berlin', 'Europe/Berlin'],
    [':/usr/share/zoneinfo/right/Asia/Kolkata', 'Asia/Kolkata'],
    ['EST5EDT', 'EST5EDT'],
    ['CET-1CEST,M3.5.0,M10.5.0/3', undefined],
    ['', undefined],
  ])('%j → %s', (value, expected) => {
    expect(zoneName(value)).toBe(expected);
  });
});

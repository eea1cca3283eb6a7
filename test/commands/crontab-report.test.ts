import { describe, expect, it } from 'vitest';
import { systemReport, type JobView } from '../../src/commands/crontab-report.js';

const wrapped: JobView = {
  line: 2,
  user: 'root',
  slug: 'backup',
  state: 'wrapped',
  before: '0 3 * * * root ./backup',
  after: '0 3 * * * root cronmon exec … -- ./backup',
};

describe('systemReport', () => {
  it('says when there is nothing to read', () => {
    expect(systemReport([], [], false)).toBe('No system crontabs to read.\n');
    expect(systemReport([], [{ path: '/etc/cron.d/x~', reason: 'cron skips it' }], false)).toBe(
      '/etc/cron.d/x~: ignored: cron skips it\n\nNo system crontabs to read; 1 file ignored.\n',
    );
  });

  it('writes control characters in file names as escapes, so that a name cannot forge lines', () => {
    expect(systemReport([], [{ path: '/etc/cron.d/x\n/etc/crontab line 1, user root: \x1b[2Jok', reason: 'r' }], false)).toBe(
      '/etc/cron.d/x\\n/etc/crontab line 1, user root: \\x1b[2Jok: ignored: r\n\nNo system crontabs to read; 1 file ignored.\n',
    );
  });

  it('names the file and the user of each job, and each file written', () => {
    const files = [
      { path: '/etc/crontab', jobs: [wrapped], backup: '/etc/.crontab.cronmon-backup-20250102T030405Z' },
      { path: '/etc/cron.d/empty', jobs: [] },
    ];
    expect(systemReport(files, [], true)).toBe(
      [
        '/etc/crontab line 2, user root: wrapped, slug backup',
        '  - 0 3 * * * root ./backup',
        '  + 0 3 * * * root cronmon exec … -- ./backup',
        '',
        '1 job in 2 system crontabs: 1 wrapped, 0 already wrapped, 0 left alone.',
        'Wrote /etc/crontab; the previous version is saved as /etc/.crontab.cronmon-backup-20250102T030405Z.',
        '',
      ].join('\n'),
    );
    expect(systemReport([{ path: '/etc/cron.d/empty', jobs: [] }], [], false)).toBe(
      '0 jobs in 1 system crontab: 0 to wrap, 0 already wrapped, 0 left alone.\nNothing to change.\n',
    );
  });
});

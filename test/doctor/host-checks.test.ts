import { describe, expect, it } from 'vitest';
import { configCheck, dirCheck, runtimeCheck, zoneCheck, type RuntimeFacts } from '../../src/doctor/host-checks.js';

describe('configCheck', () => {
  it('names the file in use, or where none was found', () => {
    expect(configCheck({ file: '/home/u/.cronmonrc.json', ignored: [], cwd: '/home/u' })).toEqual({
      name: 'config',
      level: 'ok',
      detail: '/home/u/.cronmonrc.json',
    });
    expect(configCheck({ ignored: [], cwd: '/srv/app' }).detail).toBe('none found from /srv/app');
  });

  it('warns about files found but not trusted', () => {
    const result = configCheck({ ignored: ['ignoring config file /tmp/.cronmonrc.json: /tmp can be written by other users'], cwd: '/tmp' });
    expect(result).toMatchObject({
      level: 'warn',
      detail: 'none found from /tmp; ignoring config file /tmp/.cronmonrc.json: /tmp can be written by other users',
    });
  });

  it('fails on a file exec could not use: the job would not run', () => {
    const result = configCheck({ error: 'cannot read config file /x/.cronmonrc.json: Unexpected token', ignored: [], cwd: '/x' });
    expect(result).toMatchObject({
      level: 'fail',
      detail: expect.stringContaining('exit 2 and the job does not run'),
      fix: expect.stringContaining('--config'),
    });
  });
});

describe('zoneCheck', () => {
  const system = { zone: 'Europe/Vienna', source: 'the system time zone, /etc/localtime' };

  it('shows the zone schedules carry and where it comes from', () => {
    expect(zoneCheck(system, system)).toEqual({ name: 'timezone', level: 'ok', detail: 'Europe/Vienna (the system time zone, /etc/localtime)' });
    expect(zoneCheck({ zone: 'Asia/Tokyo', source: 'CRON_TZ' }, { zone: 'Asia/Tokyo', source: 'the system time zone' }).level).toBe('ok');
    expect(zoneCheck({ zone: 'UTC', source: 'no time zone found, UTC' }, undefined).level).toBe('ok');
  });

  it('warns when this shell sets a zone cron does not have', () => {
    const result = zoneCheck({ zone: 'Asia/Tokyo', source: 'TZ' }, system);
    expect(result).toMatchObject({
      level: 'warn',
      detail:
        'Asia/Tokyo (TZ) here, but cron evaluates schedules in Europe/Vienna (the system time zone, /etc/localtime) unless the crontab sets CRON_TZ or TZ',
    });
  });
});

describe('runtimeCheck', () => {
  const base: RuntimeFacts = {
    executable: '/home/u/.nvm/versions/node/v22.1.0/bin/node',
    singleExecutable: false,
    cronPath: '/usr/bin:/bin',
    script: '/home/u/.nvm/versions/node/v22.1.0/bin/cronmon',
    node: '/usr/bin/node',
    cronmon: undefined,
    trial: { status: 0, stdout: 'cronmon 0.1.0 (node v20.20.2)\n', stderr: '' },
    version: '0.1.0',
  };

  it('passes the single executable without looking for node', () => {
    expect(runtimeCheck({ ...base, executable: '/usr/local/bin/cronmon', singleExecutable: true, node: undefined })).toMatchObject({
      level: 'ok',
      detail: expect.stringContaining('single executable'),
    });
  });

  it("fails without node on cron's PATH: the job would never run", () => {
    const result = runtimeCheck({ ...base, node: undefined, trial: undefined });
    expect(result.level).toBe('fail');
    expect(result.detail).toContain('exit 127');
    expect(result.fix).toContain(`${base.executable} ${base.script} exec`);
  });

  it('fails when the node cron finds cannot run cronmon, quoting why', () => {
    const stderr = 'cronmon: Node.js v18.20.8 is older than the v20.19 cronmon needs; install a newer Node.js, or the single executable\n';
    const result = runtimeCheck({ ...base, trial: { status: 1, stdout: '', stderr } });
    expect(result.level).toBe('fail');
    expect(result.detail).toBe(
      `${base.script} with cron's PATH (/usr/bin:/bin) runs /usr/bin/node, and fails: Node.js v18.20.8 is older than the v20.19 cronmon needs; install a newer Node.js, or the single executable`,
    );
    expect(runtimeCheck({ ...base, trial: { status: null, stdout: '', stderr: '', error: 'ETIMEDOUT' } }).detail).toMatch(/fails: ETIMEDOUT$/);
  });

  it("passes when cron's node runs cronmon, saying how to name cronmon in crontab lines", () => {
    const result = runtimeCheck(base);
    expect(result).toMatchObject({
      level: 'ok',
      detail: `/usr/bin/node on cron's PATH (/usr/bin:/bin) runs cronmon 0.1.0; cron's PATH has no cronmon: start crontab lines with ${base.script}`,
    });
    expect(runtimeCheck({ ...base, cronmon: '/usr/bin/cronmon' }).detail).toBe("/usr/bin/node on cron's PATH (/usr/bin:/bin) runs cronmon 0.1.0");
  });
});

describe('dirCheck', () => {
  it('passes a private directory, and one cronmon can create', () => {
    expect(dirCheck('cache-dir', '/home/u/.cache/cronmon', { kind: 'private' })).toMatchObject({ level: 'ok' });
    expect(dirCheck('lock-dir', '/home/u/.cache/cronmon/locks', { kind: 'missing', parent: '/home/u', parentState: 'writable' })).toMatchObject({
      level: 'ok',
      detail: expect.stringContaining('mode 700'),
    });
  });

  it('fails on anything cronmon would not use, each with its fix', () => {
    const dir = '/srv/cache';
    expect(dirCheck('cache-dir', dir, { kind: 'shared', mode: 0o770 })).toEqual({
      name: 'cache-dir',
      level: 'fail',
      detail: '/srv/cache can be written by others (mode 770): cronmon keeps no state there (rate limits, outages, compiled code)',
      fix: 'chmod 700 /srv/cache',
    });
    expect(dirCheck('lock-dir', dir, { kind: 'foreign', uid: 65534 })).toMatchObject({ level: 'fail', detail: expect.stringContaining('uid 65534') });
    expect(dirCheck('cache-dir', dir, { kind: 'missing', parent: '/srv', parentState: 'read-only' })).toMatchObject({
      level: 'fail',
      detail: '/srv/cache cannot be created: /srv is not writable',
    });
    expect(dirCheck('lock-dir', `${dir}/locks`, { kind: 'missing', parent: dir, parentState: 'shared' })).toMatchObject({
      level: 'fail',
      fix: `chmod go-w ${dir}, or set CRONMON_CACHE_DIR to a directory of your own`,
    });
    expect(dirCheck('cache-dir', '/proc/x', { kind: 'kernel', filesystem: 'procfs' }).level).toBe('fail');
    expect(dirCheck('cache-dir', dir, { kind: 'not-a-directory' }).level).toBe('fail');
    expect(dirCheck('cache-dir', dir, { kind: 'read-only' }).fix).toContain('chmod u+rwx');
  });
});

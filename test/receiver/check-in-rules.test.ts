import { describe, expect, it } from 'vitest';
import { judgeCheckIn } from '../../src/receiver/check-in-rules.js';
import { vectors } from '../support/vectors.js';

// The receiver must reject exactly what relay or Sentry would, at the same layer.
interface Vector {
  input: unknown;
  valid: boolean | 'uncertain';
  layer?: 'relay' | 'sentry' | null;
  field?: string;
  normalised?: unknown;
}

const base = { check_in_id: 'a460c25ff2554577b920fcfacae4e5eb', monitor_slug: 'nightly-backup', status: 'ok' };
const withConfig = (config: Record<string, unknown>) => ({ ...base, monitor_config: { schedule: { type: 'crontab', value: '0 * * * *' }, ...config } });

function expectVerdict(payload: unknown, vector: Vector) {
  const verdict = judgeCheckIn(payload);
  if (vector.valid === true) {
    expect(verdict.ok && verdict.configError === undefined, JSON.stringify(verdict)).toBe(true);
  } else if (vector.layer === 'relay') {
    expect(verdict).toMatchObject({ ok: false, layer: 'relay' });
  } else {
    // Sentry-level: the check-in is dropped, or (config errors) the config is refused.
    expect(!verdict.ok || verdict.configError !== undefined, JSON.stringify(verdict)).toBe(true);
    if (!verdict.ok) expect(verdict.layer).toBe('sentry');
  }
}

describe('check-in rules follow the protocol vectors', () => {
  it.each((vectors.monitor_slugs as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('slug %s', (_, vector) => {
    const verdict = judgeCheckIn({ ...base, monitor_slug: vector.input });
    expect(verdict.ok).toBe(vector.valid);
    if (verdict.ok) expect(verdict.checkIn.slug).toBe(vector.normalised);
  });

  it.each((vectors.schedules as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('schedule %s', (_, vector) => {
    expectVerdict({ ...base, monitor_config: { schedule: vector.input } }, vector);
  });

  const configValues = (vectors.config_values as Vector[]).filter((v) => v.valid !== 'uncertain');
  it.each(configValues.map((v) => [`${v.field}=${JSON.stringify(v.input)}`, v] as const))('%s', (_, vector) => {
    const payload = vector.field === 'duration' ? { ...base, duration: vector.input } : withConfig({ [vector.field ?? '']: vector.input });
    expectVerdict(payload, vector);
  });

  it.each((vectors.timezones as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('timezone %s', (_, vector) => {
    expectVerdict(withConfig({ timezone: vector.input }), vector);
  });

  it.each((vectors.environments as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('environment %s', (_, vector) => {
    const verdict = judgeCheckIn({ ...base, environment: vector.input });
    expectVerdict({ ...base, environment: vector.input }, vector);
    if (verdict.ok) expect(verdict.checkIn.environment).toBe(vector.normalised);
  });

  it.each((vectors.statuses as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('status %s', (_, vector) => {
    const verdict = judgeCheckIn({ ...base, status: vector.input });
    expect(verdict.ok).toBe(vector.valid);
  });

  it.each((vectors.check_in_ids as Vector[]).map((v) => [JSON.stringify(v.input), v] as const))('check_in_id %s', (_, vector) => {
    const payload = vector.input === null ? { monitor_slug: 'x', status: 'ok' } : { ...base, check_in_id: vector.input };
    const verdict = judgeCheckIn(payload);
    expectVerdict(payload, vector);
    if (verdict.ok && typeof vector.normalised === 'string') expect(verdict.checkIn.checkInId).toBe(vector.normalised);
  });
});

describe('check-in rules', () => {
  it('reports keys Sentry drops, and the trace id', () => {
    const verdict = judgeCheckIn({ ...base, release: '1.0', contexts: { trace: { trace_id: '8f431b7aa08441bbbd5a0100fd91f9fe' } } });
    expect(verdict).toMatchObject({ ok: true, checkIn: { ignoredKeys: ['release'], traceId: '8f431b7aa08441bbbd5a0100fd91f9fe' } });
  });

  it('rejects a payload that is not an object and a missing slug at the relay layer', () => {
    expect(judgeCheckIn([])).toMatchObject({ ok: false, layer: 'relay' });
    expect(judgeCheckIn({ status: 'ok' })).toMatchObject({ ok: false, layer: 'relay', reason: expect.stringContaining('monitor_slug') });
    expect(judgeCheckIn({ ...base, monitor_slug: '   ' })).toMatchObject({ ok: false, reason: expect.stringContaining('EmptySlug') });
  });
});

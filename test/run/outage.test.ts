import { describe, expect, it } from 'vitest';
import { outageStep } from '../../src/run/outage.js';

describe('outageStep', () => {
  const failure = 'Sentry did not get this run’s report: …';
  it('says the first failure, keeps quiet on the next ones, and says once when it is over', () => {
    const first = outageStep(undefined, failure, 1000);
    expect(first).toEqual({ say: failure, next: { since: 1000, failedRuns: 1 } });
    const second = outageStep(first.next, failure, 2000);
    expect(second).toEqual({ next: { since: 1000, failedRuns: 2 } });
    const over = outageStep(second.next, undefined, 3000);
    expect(over).toEqual({ say: 'reports reach Sentry again; 2 runs since 1970-01-01T00:00:01.000Z could not be reported' });
    expect(outageStep(over.next, undefined, 4000)).toEqual({});
  });
});

import { expect } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';

// The CronmonError a call throws; fails the test when it throws nothing or something else.
export function errorOf(run: () => unknown): CronmonError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CronmonError);
    return error as CronmonError;
  }
  throw new Error('expected a CronmonError, but nothing was thrown');
}

// The CronmonError a promise rejects with; fails the test when it resolves or rejects with something else.
export async function rejectionOf(promise: Promise<unknown>): Promise<CronmonError> {
  const error: unknown = await promise.then(
    () => new Error('expected a CronmonError, but the promise resolved'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CronmonError);
  return error as CronmonError;
}

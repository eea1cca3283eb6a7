import { monotonicMs } from '../util/runtime.js';

// The one point in time a delivery works towards: connecting, the proxy, TLS, each attempt and
// the waits between retries all end by it. `exec` restarts it when the job ends, so that what is
// still to deliver then (the open check-in if in flight, the close, the log) shares one budget.
export class Deadline {
  private at: number;

  constructor(readonly budgetMs: number) {
    this.at = monotonicMs() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.at - monotonicMs());
  }

  // A full budget from now; work in flight gets the new time too.
  restart(): void {
    this.at = monotonicMs() + this.budgetMs;
  }
}

// The human-readable listing of `cronmon crontab`: each job line, and what becomes of it.

export interface JobView {
  line: number;
  slug: string | null;
  state: 'wrapped' | 'already-wrapped' | 'skipped';
  reason?: string;
  before: string;
  after: string;
}

export function report(jobs: readonly JobView[], source: string, apply: boolean, backup: string | undefined): string {
  if (jobs.length === 0) return `No cron jobs in ${source}.\n`;
  const out: string[] = [];
  for (const job of jobs) {
    if (job.state === 'wrapped') {
      out.push(`line ${job.line}: ${apply ? 'wrapped' : 'to wrap'}, slug ${job.slug ?? ''}`, `  - ${job.before}`, `  + ${job.after}`);
      if (job.reason !== undefined) out.push(`  note: ${job.reason}`);
    } else if (job.state === 'already-wrapped') {
      const what = job.slug === null ? 'already wrapped' : `already wrapped, slug ${job.slug}`;
      out.push(`line ${job.line}: ${what}${job.reason !== undefined ? ` (${job.reason})` : ''}`, `    ${job.before}`);
    } else {
      out.push(`line ${job.line}: left alone: ${job.reason ?? ''}`, `    ${job.before}`);
    }
  }
  const count = (state: JobView['state']) => jobs.filter((job) => job.state === state).length;
  const wrapped = count('wrapped');
  out.push(
    '',
    `${jobs.length} job${jobs.length === 1 ? '' : 's'} in ${source}: ${wrapped} ${apply ? 'wrapped' : 'to wrap'}, ` +
      `${count('already-wrapped')} already wrapped, ${count('skipped')} left alone.`,
  );
  if (wrapped === 0) out.push('Nothing to change.');
  else if (backup !== undefined) out.push(`Wrote ${source}; the previous version is saved as ${backup}.`);
  else out.push('Run again with --apply to write this (a backup is saved first).');
  return `${out.join('\n')}\n`;
}

// The human-readable listing of `cronmon crontab`: each job line, and what becomes of it.

import { printable } from '../util/safe-text.js';

export interface JobView {
  line: number;
  user?: string;
  slug: string | null;
  state: 'wrapped' | 'already-wrapped' | 'skipped';
  reason?: string;
  before: string;
  after: string;
}

export interface FileView {
  path: string;
  jobs: readonly JobView[];
  /** Where the previous version was saved, when the file was written. */
  backup?: string;
}

// One job: a heading (`line 4`, or `/etc/crontab line 4, user root`), then the line(s).
function describe(job: JobView, heading: string, apply: boolean): string[] {
  if (job.state === 'wrapped') {
    const out = [`${heading}: ${apply ? 'wrapped' : 'to wrap'}, slug ${job.slug ?? ''}`, `  - ${job.before}`, `  + ${job.after}`];
    if (job.reason !== undefined) out.push(`  note: ${job.reason}`);
    return out;
  }
  if (job.state === 'already-wrapped') {
    const what = job.slug === null ? 'already wrapped' : `already wrapped, slug ${job.slug}`;
    return [`${heading}: ${what}${job.reason !== undefined ? ` (${job.reason})` : ''}`, `    ${job.before}`];
  }
  return [`${heading}: left alone: ${job.reason ?? ''}`, `    ${job.before}`];
}

function counts(jobs: readonly JobView[], apply: boolean): string {
  const count = (state: JobView['state']) => jobs.filter((job) => job.state === state).length;
  return `${count('wrapped')} ${apply ? 'wrapped' : 'to wrap'}, ${count('already-wrapped')} already wrapped, ${count('skipped')} left alone`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function report(jobs: readonly JobView[], source: string, apply: boolean, backup: string | undefined): string {
  if (jobs.length === 0) return `No cron jobs in ${source}.\n`;
  const out = jobs.flatMap((job) => describe(job, `line ${job.line}`, apply));
  out.push('', `${plural(jobs.length, 'job')} in ${source}: ${counts(jobs, apply)}.`);
  if (!jobs.some((job) => job.state === 'wrapped')) out.push('Nothing to change.');
  else if (backup !== undefined) out.push(`Wrote ${source}; the previous version is saved as ${backup}.`);
  else out.push('Run again with --apply to write this (a backup is saved first).');
  return `${out.join('\n')}\n`;
}

/** The listing of `cronmon crontab --system`: each job with its file and user, then the files cron skips. */
export function systemReport(files: readonly FileView[], ignored: readonly { path: string; reason: string }[], apply: boolean): string {
  const jobs = files.flatMap((file) => file.jobs);
  // File names come from directory listings: one with a line break or an escape must not forge lines.
  const out = files.flatMap((file) => file.jobs.flatMap((job) => describe(job, printable(`${file.path} line ${job.line}, user ${job.user ?? '?'}`), apply)));
  if (ignored.length > 0) {
    if (out.length > 0) out.push('');
    for (const file of ignored) out.push(printable(`${file.path}: ignored: ${file.reason}`));
  }
  if (out.length > 0) out.push('');
  const skipped = ignored.length === 0 ? '' : `; ${plural(ignored.length, 'file')} ignored`;
  if (files.length === 0) {
    out.push(`No system crontabs to read${skipped}.`);
    return `${out.join('\n')}\n`;
  }
  out.push(`${plural(jobs.length, 'job')} in ${plural(files.length, 'system crontab')}: ${counts(jobs, apply)}${skipped}.`);
  const written = files.filter((file) => file.backup !== undefined);
  if (!jobs.some((job) => job.state === 'wrapped')) out.push('Nothing to change.');
  else if (written.length > 0) for (const file of written) out.push(printable(`Wrote ${file.path}; the previous version is saved as ${file.backup ?? ''}.`));
  else out.push('Run again with --apply to write this (a backup of each file is saved first).');
  return `${out.join('\n')}\n`;
}

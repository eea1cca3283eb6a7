import { runCli } from './cli/program.js';
import { flushed } from './util/runtime.js';

// A reader that goes away (cronmon … | head) is not an error worth a stack trace: cronmon ends
// quietly. Except while `exec` forwards a job's output: its pump listens too, and passes the
// vanished reader on to the job (SIGPIPE), which is then reported like any other run.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' && stream.listenerCount('error') === 1) process.exit(process.exitCode ?? 0);
  });
}

// What is still queued for a reader that has stalled is not worth waiting for: cronmon exits
// when the job does, plus at most this long.
const FLUSH_MAX_MS = 1000;

// Exit explicitly, once what was written has been handed over (writes to a pipe are
// asynchronous; see runtime.ts): a pipe held open by something the job left behind must not
// keep cronmon alive after its work is done.
void runCli(process.argv).then(async (code) => {
  const giveUp = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_MAX_MS).unref());
  await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), giveUp]);
  process.exit(code);
});

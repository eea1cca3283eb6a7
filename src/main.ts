import { runCli } from './cli/program.js';

// A reader that goes away (cronmon … | head) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}

// Writes to a pipe are asynchronous: wait until what was written has been handed over.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

// Exit explicitly: a DNS lookup still running in the thread pool, or a pipe held open by
// something the job left behind, must not keep cronmon alive after its work is done.
void runCli(process.argv).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});

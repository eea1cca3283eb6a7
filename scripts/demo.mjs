// The README's first command: starts `cronmon listen` (the local Crons receiver), wraps two demo
// jobs with `cronmon exec` against it, and shows what Sentry would have received.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/cronmon', import.meta.url));
const plain = process.env.NO_COLOR || !process.stdout.isTTY;
const say = (text) => process.stdout.write(plain ? `\n${text}\n` : `\n\x1b[1m${text}\x1b[0m\n`);

const listener = spawn(process.execPath, [cli, 'listen', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  let seen = '';
  listener.stdout.on('data', (chunk) => {
    process.stdout.write(`  listen │ ${chunk.toString().trimEnd().split('\n').join('\n  listen │ ')}\n`);
    seen += chunk;
    const match = /SENTRY_DSN=http:\/\/public@127\.0\.0\.1:(\d+)/.exec(seen);
    if (match) resolve(Number(match[1]));
  });
  listener.once('exit', (code) => reject(new Error(`cronmon listen exited with ${code}`)));
});
const dsn = `http://public@127.0.0.1:${port}/1`;

const jobs = [
  ['exec', '--slug', 'demo-backup', '--schedule', '*/15 * * * *', '--', 'sh', '-c', 'echo "backing up..."; sleep 1; echo "backup done"'],
  ['exec', '--slug', 'demo-sync', '--interval', '1 hour', '--', 'sh', '-c', 'echo "syncing orders"; echo "error: upstream unavailable" >&2; exit 3'],
];
for (const args of jobs) {
  say(`$ cronmon ${args.map((a) => (/[\s*$;"]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const job = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, SENTRY_DSN: dsn } });
  const [status] = await once(job, 'exit');
  // Only for the order of the display: let the receiver print what it got.
  await sleep(300);
  say(`→ exit code ${status}`);
}

listener.kill('SIGTERM');
await once(listener, 'exit');
say(`That is what Sentry Crons would have received. Point SENTRY_DSN at your project's DSN to report for real.`);

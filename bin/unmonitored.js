// On a Node.js older than cronmon needs, `cronmon exec` (and `monitors run`) still runs the
// job, unmonitored: stdio, signals and exit code pass through as usual, and one line says why
// nothing was reported. This file is loaded by bin/cronmon before anything else, so it keeps to
// syntax any Node.js from 12 on parses (ES2019: no ?., no ??).
'use strict';
const { spawn } = require('child_process');
const { constants } = require('os');

// exec's options by what follows them, written by the build from the flag declarations
// (src/config/command-flags.ts). An option that takes no value is skipped; an optional value is the next
// word only when it is no option, as the full CLI reads it; any other option takes the next word
// (or `=value`).
const WORDS = require('../dist/exec-words.json');

// The job's words: what follows `--`, else what follows exec's options (and the slug of
// `monitors run`); undefined for a command that runs no job.
function jobOf(args) {
  const isRun = args[0] === 'monitors' && args[1] === 'run';
  if (args[0] !== 'exec' && !isRun) return undefined;
  let at = isRun ? 2 : 1;
  const dashes = args.indexOf('--', at);
  if (dashes !== -1) return args.slice(dashes + 1);
  let slugPending = isRun;
  for (; at < args.length; at++) {
    const arg = args[at];
    if (!arg.startsWith('-') || arg === '-') {
      if (!slugPending) return args.slice(at);
      slugPending = false;
    } else if (WORDS.optionalValue.includes(arg)) {
      if (args[at + 1] !== undefined && !args[at + 1].startsWith('-')) at++;
    } else if (!WORDS.noValue.includes(arg) && !arg.includes('=')) {
      at++;
    }
  }
  return [];
}

function runUnmonitored(args, needed) {
  const say = (text) => process.stderr.write(`cronmon: ${text}\n`);
  const why = `Node.js ${process.version} is older than the ${needed} cronmon needs`;
  const job = jobOf(args);
  if (job === undefined) {
    say(`${why}; install a newer Node.js, or the single executable`);
    process.exitCode = 1;
    return;
  }
  if (job.length === 0) {
    say(`${why}, and no command was given`);
    process.exitCode = 2;
    return;
  }
  say(`${why}: the job ran without monitoring; install a newer Node.js, or the single executable`);
  // Listening before the job starts: a signal that comes as it starts is not lost. A terminal
  // sends Ctrl-C (and the like) to the job itself: forwarding would double it.
  let child;
  const fromTerminal = process.stdin.isTTY ? ['SIGINT', 'SIGQUIT', 'SIGWINCH'] : [];
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGWINCH'];
  for (const signal of signals) process.on(signal, () => fromTerminal.includes(signal) || child.kill(signal));
  child = spawn(job[0], job.slice(1), { stdio: 'inherit' });
  child.on('error', (error) => {
    say(`cannot run ${job[0]}: ${error.code || error.message}`);
    process.exit(error.code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] || 0) : code));
}

module.exports = { jobOf, runUnmonitored };

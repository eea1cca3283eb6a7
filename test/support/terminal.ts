import { spawn } from 'node:child_process';
import { cliCommand } from './cli.js';

// Runs the built CLI with a pseudo-terminal as its stdin, stdout and stderr, as in an
// interactive shell: Python's pty module makes the terminal and copies what the CLI writes to
// our stdout (lines end in \r\n there). SIGTERM and SIGINT are passed on to the CLI.
const RELAY = `
import os, pty, signal, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
for number in (signal.SIGTERM, signal.SIGINT):
    signal.signal(number, lambda n, _frame: os.kill(pid, n))
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    os.write(1, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
`;

export interface TerminalRun {
  output(): string;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

export function startInTerminal(args: readonly string[], env: NodeJS.ProcessEnv): TerminalRun {
  const child = spawn('python3', ['-c', RELAY, ...cliCommand(args)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => text,
    async waitFor(wanted, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(wanted)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${JSON.stringify(wanted)} on the terminal; it shows ${JSON.stringify(text)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

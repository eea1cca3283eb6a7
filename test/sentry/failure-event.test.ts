import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_CHARS, boundedCommand } from '../../src/sentry/failure-event.js';

describe('boundedCommand', () => {
  it('keeps an ordinary command as it is', () => {
    expect(boundedCommand(['/opt/backup.sh', '--full', ''])).toEqual(['/opt/backup.sh', '--full', '']);
  });

  it('cuts megabytes of arguments down, saying how many were left out', () => {
    const command = ['job', ...Array.from({ length: 10 }, () => 'x'.repeat(110_000))];
    const bounded = boundedCommand(command);
    expect(bounded).toEqual(['job', `${'x'.repeat(MAX_COMMAND_CHARS - 3)}…`, '… 9 more arguments']);
  });

  it('is a prefix of the command within the bound, for any command', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3000 }), { maxLength: 30 }), (command) => {
        const bounded = boundedCommand(command);
        const total = command.reduce((sum, arg) => sum + arg.length, 0);
        if (total <= MAX_COMMAND_CHARS) {
          expect(bounded).toEqual(command);
          return;
        }
        const kept = bounded.filter((arg, index) => arg === command[index]);
        expect(kept).toEqual(command.slice(0, kept.length));
        expect(bounded.join('').length).toBeLessThanOrEqual(MAX_COMMAND_CHARS + 40);
      }),
    );
  });
});

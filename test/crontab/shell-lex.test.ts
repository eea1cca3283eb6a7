import { describe, expect, it } from 'vitest';
import { lexShell, simpleCommands } from '../../src/crontab/shell-lex.js';

describe('shell lexer', () => {
  const words = (text: string) => simpleCommands(lexShell(text)).map((command) => command.map((word) => word.value));

  it('removes quotes and keeps expansions', () => {
    expect(words(`a 'b c' "d \\"e\\" $HOME" f\\ g $(date +%F) \`id -u\` \${X:-y}`)).toEqual([
      ['a', 'b c', 'd "e" $HOME', 'f g', '$(date +%F)', '`id -u`', '${X:-y}'],
    ]);
  });

  it('splits at operators and drops redirections', () => {
    expect(words('cd /app && ./run.sh > /dev/null 2>&1 || echo failed | mail root; true &')).toEqual([
      ['cd', '/app'],
      ['./run.sh'],
      ['echo', 'failed'],
      ['mail', 'root'],
      ['true'],
    ]);
    expect(lexShell('./x 2>&1').tokens.map((token) => token.type)).toEqual(['word', 'redirect']);
    expect(lexShell('./x >>log 2> err <in').tokens.map((token) => token.type)).toEqual(['word', 'redirect', 'redirect', 'redirect']);
  });

  it('finds comments', () => {
    expect(lexShell('a b # c').commentStart).toBe(4);
    expect(lexShell("a '#' b#c").commentStart).toBeUndefined();
  });

  it('reports unclosed quotes and substitutions', () => {
    expect(lexShell("a 'b").complete).toBe(false);
    expect(lexShell('a "b').complete).toBe(false);
    expect(lexShell('a $(b').complete).toBe(false);
    expect(lexShell('a $(b ")" c) d').complete).toBe(true);
    expect(words('a $(b ")" c) d')).toEqual([['a', '$(b ")" c)', 'd']]);
  });

  it('gives word offsets into the text', () => {
    const text = `x  'y z' w`;
    const [command] = simpleCommands(lexShell(text));
    expect(command?.map((word) => text.slice(word.start, word.end))).toEqual(['x', "'y z'", 'w']);
  });
});

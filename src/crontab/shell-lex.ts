// A small lexer for the shell text of a crontab command: enough of POSIX sh to find words (with
// their quoting removed), operators, redirections and comments. Expansions ($x, ${x}, $(…), `…`) are kept as written inside their word. It does
// not need to be complete: whatever it cannot read makes the command count as "needs a shell".

export interface ShellWord {
  /** The word with quotes and backslashes removed (expansions kept as written). */
  value: string;
  /** Offsets into the lexed text: `text.slice(start, end)` is the word as written. */
  start: number;
  end: number;
}

export type ShellToken =
  | ({ type: 'word' } & ShellWord)
  | { type: 'operator'; op: string; start: number; end: number }
  | { type: 'redirect'; op: string; start: number; end: number; target?: ShellWord };

export interface ShellLex {
  tokens: ShellToken[];
  /** Offset of an unquoted `#` that starts a comment. */
  commentStart?: number;
  /** False when a quote, `$(`, `${` or backquote is not closed. */
  complete: boolean;
}

const REDIRECT = /^(\d*)(&>>|&>|>>|>&|>\||<<<|<<-|<<|<&|<>|>|<)/;
const OPERATOR = /^(&&|\|\||;;|\|&|[;&|()\n])/;
const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
const endsWord = (ch: string | undefined): boolean => ch === undefined || isBlank(ch) || '|&;()<>\n'.includes(ch);

export function lexShell(text: string): ShellLex {
  const tokens: ShellToken[] = [];
  let complete = true;
  let i = 0;

  // Index just past the closing `close` of a construct opened before `from`; text.length if none.
  const skipBalanced = (from: number, open: string, close: string): number => {
    let depth = 1;
    let j = from;
    while (j < text.length) {
      const ch = text[j];
      if (ch === '\\') j += 2;
      else if (ch === "'" && open === '(') {
        const end = text.indexOf("'", j + 1);
        if (end < 0) break;
        j = end + 1;
      } else if (ch === '"') j = skipDoubleQuoted(j + 1);
      else if (ch === '`') j = skipBackquoted(j + 1);
      else {
        if (ch === open) depth++;
        else if (ch === close && --depth === 0) return j + 1;
        j++;
      }
    }
    complete = false;
    return text.length;
  };
  const skipBackquoted = (from: number): number => {
    let j = from;
    while (j < text.length) {
      if (text[j] === '\\') j += 2;
      else if (text[j] === '`') return j + 1;
      else j++;
    }
    complete = false;
    return text.length;
  };
  // Where the text starting at `at` ends when it is `$(…)`, `${…}` or a backquoted command
  // (kept as written, for the shell to expand); otherwise just past that one character.
  const expansionEnd = (at: number): number => {
    if (text[at] === '$' && text[at + 1] === '(') return skipBalanced(at + 2, '(', ')');
    if (text[at] === '$' && text[at + 1] === '{') return skipBalanced(at + 2, '{', '}');
    if (text[at] === '`') return skipBackquoted(at + 1);
    return at + 1;
  };
  // Index just past the closing `"`; the text inside is not needed, only its extent.
  const skipDoubleQuoted = (from: number): number => readDoubleQuoted(from).end;
  const readDoubleQuoted = (from: number): { value: string; end: number } => {
    let value = '';
    let j = from;
    while (j < text.length) {
      const ch = text[j] ?? '';
      if (ch === '"') return { value, end: j + 1 };
      if (ch === '\\') {
        const next = text[j + 1];
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          value += next;
        } else {
          value += ch + (next ?? '');
        }
        j += 2;
      } else {
        const end = expansionEnd(j);
        value += text.slice(j, end);
        j = end;
      }
    }
    complete = false;
    return { value, end: text.length };
  };
  const readWord = (from: number): ShellWord => {
    let value = '';
    let j = from;
    while (!endsWord(text[j])) {
      const ch = text[j] ?? '';
      if (ch === '\\') {
        value += text[j + 1] ?? '\\';
        j += 2;
      } else if (ch === "'") {
        const end = text.indexOf("'", j + 1);
        if (end < 0) {
          complete = false;
          value += text.slice(j + 1);
          j = text.length;
        } else {
          value += text.slice(j + 1, end);
          j = end + 1;
        }
      } else if (ch === '"') {
        const quoted = readDoubleQuoted(j + 1);
        value += quoted.value;
        j = quoted.end;
      } else {
        const end = expansionEnd(j);
        value += text.slice(j, end);
        j = end;
      }
    }
    return { value, start: from, end: Math.min(j, text.length) };
  };

  let commentStart: number | undefined;
  while (i < text.length) {
    const ch = text[i];
    if (isBlank(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      commentStart = i;
      break;
    }
    const rest = text.slice(i);
    const redirect = REDIRECT.exec(rest);
    if (redirect) {
      const start = i;
      i += redirect[0].length;
      const op = redirect[2] ?? '';
      const duplicated = /^(\d+|-)(?=[\s|&;()<>]|$)/.exec(text.slice(i));
      const token: ShellToken = { type: 'redirect', op, start, end: i };
      if ((op === '>&' || op === '<&') && duplicated) {
        i += duplicated[0].length;
        token.end = i;
      } else {
        while (isBlank(text[i])) i++;
        if (!endsWord(text[i]) && text[i] !== '#') {
          const target = readWord(i);
          token.target = target;
          i = target.end;
          token.end = i;
        }
      }
      tokens.push(token);
      continue;
    }
    const operator = OPERATOR.exec(rest);
    if (operator) {
      const op = operator[1] ?? '';
      tokens.push({ type: 'operator', op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const word = readWord(i);
    tokens.push({ type: 'word', ...word });
    i = word.end;
  }
  const lex: ShellLex = { tokens, complete };
  if (commentStart !== undefined) lex.commentStart = commentStart;
  return lex;
}

/** The simple commands of a lexed command line: their words, redirections left out. */
export function simpleCommands(lex: ShellLex): ShellWord[][] {
  const commands: ShellWord[][] = [[]];
  for (const token of lex.tokens) {
    if (token.type === 'operator') commands.push([]);
    else if (token.type === 'word') commands[commands.length - 1]?.push({ value: token.value, start: token.start, end: token.end });
  }
  return commands.filter((words) => words.length > 0);
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Whether a word, as written, is a `NAME=value` assignment (which the shell does not run). */
export const isAssignment = (text: string, word: ShellWord): boolean => ASSIGNMENT.test(text.slice(word.start, word.end));

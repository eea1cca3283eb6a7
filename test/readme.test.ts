import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// Headings outside code blocks (a `# comment` in a shell example is none).
const headings = README.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
  .split('\n')
  .filter((line) => /^#{1,6} /.test(line));

// The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens; a
// repeated one gets -1, -2….
function anchors(lines: string[]): { level: number; anchor: string }[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const [, hashes = '', text = ''] = /^(#+) (.*)$/.exec(line) ?? [];
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return { level: hashes.length, anchor: count === 0 ? base : `${base}-${count}` };
  });
}

describe('README.md', () => {
  const all = anchors(headings);
  const contents = README.slice(README.indexOf('## Contents'), README.indexOf('\n## ', README.indexOf('## Contents') + 1));

  it('links only to headings it has', () => {
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((link) => !all.some((heading) => heading.anchor === link))).toEqual([]);
  });

  it('lists every section in its contents', () => {
    const sections = all.filter((heading) => heading.level === 2 && heading.anchor !== 'contents' && heading.anchor !== 'try-it-in-two-commands');
    expect(sections.filter((section) => !contents.includes(`](#${section.anchor})`)).map((section) => section.anchor)).toEqual([]);
  });

  it('starts with the two commands that try it, then the contents, install and recipes, before any reference', () => {
    const order = ['try-it-in-two-commands', 'contents', 'install', 'recipes', 'cronmon-exec'].map((anchor) =>
      all.findIndex((heading) => heading.anchor === anchor),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order).not.toContain(-1);
    expect(README).toContain('npm ci && npm run demo');
    for (const recipe of ['crontab', 'ci', 'shell-scripts', 'systemd-timers', 'kubernetes-cronjob']) {
      const index = all.findIndex((heading) => heading.anchor === recipe);
      expect(index, recipe).toBeGreaterThan(order[3] ?? -1);
      expect(index, recipe).toBeLessThan(order[4] ?? -1);
    }
  });
});

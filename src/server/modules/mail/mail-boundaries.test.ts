import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const serverDir = join(import.meta.dirname, '../..');
const modulesDir = join(serverDir, 'modules');

/** Every non-test source file under `dir`, with its text. */
function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ({ path: relative(serverDir, join(dir, f)), text: readFileSync(join(dir, f), 'utf8') }));
}

describe('the mail module', () => {
  it('touches no table: it reads what it renders through the owning modules', () => {
    const touching = sources(join(modulesDir, 'mail')).filter((f) => f.text.includes('db/schema'));
    expect(touching.map((f) => f.path)).toEqual([]);
  });

  it('is imported by no module: the causes of mail reach it as events (no mail ↔ portal circle)', () => {
    const importers = readdirSync(modulesDir)
      .filter((m) => m !== 'mail')
      .flatMap((m) => sources(join(modulesDir, m)))
      .filter((f) => /from '\.\.\/mail\//.test(f.text));
    expect(importers.map((f) => f.path)).toEqual([]);
  });

  it("shares one copy of formatUtc and of the default invitation text (the English catalogue's)", () => {
    const all = sources(serverDir);
    const count = (needle: string) => all.filter((f) => f.text.includes(needle)).map((f) => f.path);
    expect(count('const formatUtc =')).toEqual(['lib/clock.ts']);
    expect(count('Rate your experience in one click')).toEqual([]);
    expect(count("en['mail.invitation.intro']")).toEqual(['modules/csat/csat.service.ts']);
  });
});

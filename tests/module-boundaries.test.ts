import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableName, isTable } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as schema from '../src/server/db/schema/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const modulesDir = path.join(root, 'src/server/modules');

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
const relative = (file: string) => path.relative(root, file);
const moduleOf = (file: string) => path.relative(modulesDir, file).split(path.sep)[0] as string;
const moduleFiles = sourceFiles(modulesDir);

/** The table list per module of docs/architecture.md: the code is held to what the page says. */
function documentedOwners() {
  const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  const section = doc.split('## Tables by module')[1]?.split('\n## ')[0] ?? '';
  const owners = new Map<string, string>();
  for (const [, module, tables] of section.matchAll(/^\| (\w+) \| (`.*`) \|$/gm)) {
    for (const [, table] of (tables as string).matchAll(/`(\w+)`/g))
      owners.set(table as string, module as string);
  }
  return owners;
}

/** Schema variable (what the code writes, e.g. `csatEvents`) → SQL table name. */
const tableNames = new Map(
  Object.entries(schema).flatMap(([name, value]) => (isTable(value) ? [[name, getTableName(value)]] : [])),
);

describe('module boundaries', () => {
  it('docs/architecture.md gives every table exactly one owning module', () => {
    const owners = documentedOwners();
    expect([...owners.keys()].sort()).toEqual([...tableNames.values()].sort());
  });

  it("only a table's owning module writes it", () => {
    const owners = documentedOwners();
    const strays: string[] = [];
    const writes = /\.(?:insert|update|delete)\((\w+)\)|(?:INSERT INTO|UPDATE|DELETE FROM)\s+\$\{(\w+)\}/g;
    for (const file of moduleFiles) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(writes)) {
        const table = tableNames.get((match[1] ?? match[2]) as string);
        if (table && owners.get(table) !== moduleOf(file)) strays.push(`${relative(file)} writes ${table}`);
      }
    }
    expect(strays).toEqual([]);
  });

  it('a module imports another module only through its index.ts, which exports no repo function', () => {
    const strays: string[] = [];
    for (const file of moduleFiles) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [, target] of text.matchAll(/from '\.\.\/(\w+\/[\w.-]+)'/g)) {
        if (!(target as string).endsWith('/index.js')) strays.push(`${relative(file)} imports ${target}`);
      }
      if (path.basename(file) === 'index.ts' && /^export \{[^}]*\} from '\.\/[\w-]+\.repo\.js'/m.test(text)) {
        strays.push(`${relative(file)} exports its repo`);
      }
    }
    expect(strays).toEqual([]);
  });

  it('routes run no SQL of their own, and no application code imports the test framework', () => {
    const strays: string[] = [];
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      if (/\.routes\.ts$/.test(file) && /from 'drizzle-orm|db\/schema\//.test(text)) {
        strays.push(`${relative(file)} queries the database`);
      }
      if (/from 'vitest/.test(text)) strays.push(`${relative(file)} imports vitest`);
    }
    expect(strays).toEqual([]);
  });
});

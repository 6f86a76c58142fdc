import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or installed package) root: the nearest folder above this file with a
 * package.json. This file runs from src/server/lib under tsx and, bundled, from a chunk of
 * dist/server, so a fixed number of `..` would be right in one of them only.
 */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();

/** A path inside the package, from its root: `fromPackageRoot('dist/web')`. */
export const fromPackageRoot = (relative: string) => path.join(PACKAGE_ROOT, relative);

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** Static `import … from '…'`, `export … from '…'`, side-effect `import '…'` and `import('…')`. */
const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export interface ModuleGraph {
  /** Every file reached through relative imports, as paths relative to `root`, entry first. */
  readonly files: string[];
  /** Each bare specifier (`node:crypto`, `hono`) → the files (relative to `root`) that import it. */
  readonly external: Map<string, string[]>;
}

/**
 * The ES module graph an unbundling loader (workerd, a browser) walks from `entry`: what it
 * must be given, and which modules it must provide itself. Comments are not parsed out, so a
 * commented-out import counts; the compiled package (esbuild output) keeps no comments.
 */
export function moduleGraph(entry: string, root: string): ModuleGraph {
  const files: string[] = [];
  const external = new Map<string, string[]>();
  const visit = (file: string) => {
    const name = relative(root, file);
    if (files.includes(name)) return;
    files.push(name);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!external.get(specifier)?.includes(name))
        external.set(specifier, [...(external.get(specifier) ?? []), name]);
    }
  };
  visit(resolve(entry));
  return { files, external };
}

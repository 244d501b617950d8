import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** Static `import … from '…'`, `export … from '…'`, side-effect `import '…'` and `import('…')`. */
const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export interface GraphModule {
  /** Its module name: the path relative to `root`, or `node_modules/<package>/…` for a package's file. */
  readonly name: string;
  readonly path: string;
}

export interface ModuleGraph {
  /** Every file reached, entry first. */
  readonly files: GraphModule[];
  /** Each bare specifier not in `packages` (`node:crypto`) → the files that import it. */
  readonly external: Map<string, string[]>;
  /** Each bare specifier in `packages` → the names of the modules outside packages that import it. */
  readonly importersOf: Map<string, string[]>;
}

/**
 * The ES module graph an unbundling loader (workerd, a browser) walks from `entry`: what it
 * must be given, and which modules it must provide itself. `packages` maps the bare names the
 * app imports (`hono`) to their ES entry file, followed like relative imports; inside a package
 * only relative imports are followed (hono's bare ones are all in comments). Comments are not parsed
 * out, so an import in a comment counts (a package's `@example`, say): harmless for `files`,
 * and the compiled custos (esbuild output) keeps no comments, so its `external` list is exact.
 */
export function moduleGraph(entry: string, root: string, packages: Record<string, string> = {}): ModuleGraph {
  const files: GraphModule[] = [];
  const external = new Map<string, string[]>();
  const importersOf = new Map<string, string[]>();
  const note = (list: Map<string, string[]>, specifier: string, name: string) => {
    if (!list.get(specifier)?.includes(name)) list.set(specifier, [...(list.get(specifier) ?? []), name]);
  };
  const nameOf = (file: string) => {
    const inside = relative(root, file);
    if (!inside.startsWith('..')) return inside;
    return file.slice(file.lastIndexOf('/node_modules/') + 1);
  };
  const visit = (file: string) => {
    const name = nameOf(file);
    if (files.some((module) => module.name === name)) return;
    files.push({ name, path: file });
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      const mapped = packages[specifier];
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (name.startsWith('node_modules/')) {
        // Inside a package only relative imports are followed (its bare ones sit in comments here).
      } else if (mapped !== undefined) {
        note(importersOf, specifier, name);
        visit(mapped);
      } else note(external, specifier, name);
    }
  };
  visit(resolve(entry));
  return { files, external, importersOf };
}

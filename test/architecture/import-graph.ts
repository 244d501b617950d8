import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** File (relative to src/, forward slashes) → the src/ files it imports, in source order. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every module specifier in a file, found by walking the syntax tree rather than by regex:
 * `import`, `import type`, `export … from`, `import('…')` and `import('…').Type` in type
 * positions all count, because a type-only import still ties the two files' meanings together.
 */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node)) {
      const literal = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      if (literal && ts.isStringLiteral(literal)) found.push(literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of src/: relative imports only (packages and `node:` built-ins are not layers). */
export function readImportGraph(srcDir: string): ImportGraph {
  const root = resolve(srcDir);
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const targets = specifiers(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'))
      .map((target) => target.split('\\').join('/'));
    graph.set(relative(root, file).split('\\').join('/'), [...new Set(targets)]);
  }
  return graph;
}

/**
 * The circles in a graph: every strongly connected component of more than one file, and every
 * file that imports itself (Tarjan's algorithm, each circle listed in sorted order).
 */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return cycles;
}

/** A layer: its name and the path prefixes (folders end in `/`) or exact files it holds. */
export type Layer = { readonly name: string; readonly holds: readonly string[] };

/** The layer a file belongs to, as [rank, name]; a file no layer claims is a failure of its own. */
export function layerOf(file: string, layers: readonly (readonly Layer[])[]): [number, string] | undefined {
  for (const [rank, peers] of layers.entries()) {
    for (const layer of peers) {
      if (layer.holds.some((prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix))) {
        return [rank, layer.name];
      }
    }
  }
  return undefined;
}

/**
 * Imports that break the order: a file may import its own layer and any lower rank; importing a
 * higher rank ("back up") or a peer of the same rank is a violation.
 */
export function layerViolations(graph: ImportGraph, layers: readonly (readonly Layer[])[]): string[] {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file, layers);
    if (!from) {
      violations.push(`${file} belongs to no layer`);
      continue;
    }
    for (const target of targets) {
      const to = layerOf(target, layers);
      if (!to) violations.push(`${file} -> ${target} (no layer holds ${target})`);
      else if (to[1] === from[1]) continue;
      else if (to[0] > from[0])
        violations.push(`${file} -> ${target} (${from[1]} imports ${to[1]}, which sits above it)`);
      else if (to[0] === from[0]) violations.push(`${file} -> ${target} (${from[1]} imports its peer ${to[1]})`);
    }
  }
  return violations;
}

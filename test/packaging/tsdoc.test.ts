import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every value a consumer can import (function, class, const of every `exports` entry) carries
 * TSDoc with a summary and an `@example`, so the editor hover shows how to use it. A re-export is
 * checked on its declaration, where the docs live once.
 */
describe('tsdoc', () => {
  it('every exported value has a summary and an @example', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, string | { import: { default: string } }>;
    };
    // `./package.json` maps to itself (a string); the code entries are the objects.
    const entries = Object.entries(pkg.exports)
      .flatMap(([subpath, target]) => (typeof target === 'string' ? [] : [[subpath, target.import.default] as const]))
      .map(([subpath, target]) => [subpath, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')] as const);
    // Every source file is a root and nothing else is loaded (no lib, no node_modules): the
    // re-exports between our files resolve, and the check stays at a second or two.
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const program = ts.createProgram(
      sources.map((f) => `src/${f}`),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        noLib: true,
        noResolve: true,
        types: [],
        noEmit: true,
      },
    );
    const checker = program.getTypeChecker();

    const lacking: string[] = [];
    for (const [subpath, file] of entries) {
      const source = program.getSourceFile(file);
      const module = source && checker.getSymbolAtLocation(source);
      if (!module) {
        lacking.push(`${subpath} (no module at ${file})`);
        continue;
      }
      for (const exported of checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(symbol.flags & ts.SymbolFlags.Value)) continue;
        const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
        const example = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example');
        if (!summary || !example) lacking.push(`${subpath} ${exported.name}`);
      }
    }
    expect(lacking).toEqual([]);
  });
});

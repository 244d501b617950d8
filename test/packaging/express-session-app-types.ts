/**
 * A TypeScript Express app written against express-session, switched to custos with its one-line
 * import change and the one-line change to its `SessionData` augmentation. Compiled as ESM or
 * CommonJS (`import x = require()` is how TypeScript spells a CommonJS `require`), against the
 * packed tarball (test/packaging) or the sources (test/types). Each misuse sits under
 * `@ts-expect-error`, so types that resolved to `any` (or not at all) fail the compile too.
 */
export function expressSessionApp(specifier: string, style: 'esm' | 'cjs'): string {
  const imports =
    style === 'esm'
      ? `import express from 'express';\nimport session from '${specifier}';`
      : `import express = require('express');\nimport session = require('${specifier}');`;
  return `${imports}

declare module '${specifier}' {
  interface SessionData {
    user: string;
    views: number;
  }
}

const app = express();
app.use(session({ secret: 'a secret of at least thirty-two bytes', resave: false, saveUninitialized: false }));

app.post('/login', (req, res, next) => {
  req.session.regenerate((error) => {
    if (error) return next(error);
    req.session.user = 'alice';
    req.session.views = (req.session.views ?? 0) + 1;
    const user: string | undefined = req.session.user;
    const id: string = req.sessionID;
    const maxAge: number | null = req.session.cookie.maxAge;
    req.session.save((failure) => {
      if (failure) return next(failure);
      req.sessionStore.get(id, (problem, data) => res.json({ user, maxAge, problem, data }));
    });
  });
});

app.post('/logout', (req, res, next) => {
  req.session.destroy((error) => (error ? next(error) : res.end()));
});

app.get('/misuse', (req, res) => {
  // @ts-expect-error: user is declared a string
  req.session.user = 42;
  // @ts-expect-error: not a declared key
  void req.session.basket;
  // @ts-expect-error: the session id is a string
  const id: number = req.sessionID;
  // @ts-expect-error: the store's get takes a callback
  void req.sessionStore.get(id);
  // @ts-expect-error: regenerate takes a callback, not a value
  req.session.regenerate(1);
  res.end();
});
`;
}

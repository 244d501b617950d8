import type { Express } from 'express';
import request from 'supertest';
import { Jar } from './jar.js';

export interface Browser {
  readonly jar: Jar;
  get(path: string): Promise<request.Response>;
  post(path: string, form: Record<string, string>): Promise<request.Response>;
}

/** A browser with its own jar against one app (supertest's Host is 127.0.0.1:port, loopback). */
export function browser(app: Express, jar = new Jar()): Browser {
  const done = (res: request.Response) => {
    jar.take(res.headers);
    return res;
  };
  return {
    jar,
    get: async (path) => done(await request(app).get(path).set('cookie', jar.header())),
    post: async (path, form) => done(await request(app).post(path).set('cookie', jar.header()).type('form').send(form)),
  };
}

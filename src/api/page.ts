/**
 * The web page: plain ES modules in `page/` (no build step), the npm packages they import
 * served from node_modules under /vendor (an import map in index.html names them), so the page
 * works with no internet. Page routes (`/`, `/runs/:id`, `/deliveries/:id`, `/start`) all answer
 * index.html; the page reads the API. @dagrejs/dagre ships only a UMD bundle (it sets
 * `window.dagre`); /vendor/dagre/dagre.mjs wraps it as an ES module for the import map.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
/** Works from src/api/ and dist/api/ alike. */
export const PAGE_DIR = fileURLToPath(new URL('../../page/', import.meta.url));

/** A package's directory, from a file it exports (not every package exports package.json). */
function packageDir(name: string, exported: string, up: number): string {
  let dir = dirname(require.resolve(exported));
  for (let i = 0; i < up; i++) dir = dirname(dir);
  if (!dir.endsWith(name)) throw new Error(`cannot find the ${name} package (got ${dir})`);
  return dir;
}

const VENDOR: Record<string, string> = {
  preact: packageDir('preact', 'preact', 1),
  htm: packageDir('htm', 'htm', 1),
  dagre: join(packageDir('@dagrejs/dagre', '@dagrejs/dagre', 0), 'dist'),
  ansi_up: packageDir('ansi_up', 'ansi_up', 0),
};

/**
 * dagre's UMD bundle as an ES module: given a `module` object it fills `module.exports`
 * instead of a global; default and named exports as its typings declare them.
 */
function dagreModule(): string {
  const umd = readFileSync(join(VENDOR.dagre!, 'dagre.js'), 'utf8');
  return [
    'const module = { exports: {} };',
    'const exports = module.exports;',
    umd,
    'const dagre = module.exports;',
    'export default dagre;',
    'export const { graphlib, layout, version } = dagre;',
    '',
  ].join('\n');
}

export function pageRoutes() {
  return async (app: FastifyInstance): Promise<void> => {
    const index = () => readFileSync(join(PAGE_DIR, 'index.html'), 'utf8');
    let dagre: string | undefined;
    app.get('/vendor/dagre/dagre.mjs', { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send((dagre ??= dagreModule())),
    );
    await app.register(fastifyStatic, { root: PAGE_DIR, prefix: '/page/', decorateReply: false });
    for (const [name, root] of Object.entries(VENDOR))
      await app.register(fastifyStatic, { root, prefix: `/vendor/${name}/`, decorateReply: false });
    for (const path of ['/', '/runs/:id', '/deliveries/:id', '/start'])
      app.get(path, { schema: { hide: true } }, (_request, reply) =>
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index()),
      );
  };
}

/**
 * Serves the dashboard: the static files that `npm run build` writes to `web/dist`. Any GET
 * outside the API that names no file gets `index.html`, so a reload on a dashboard address
 * works. Vite names every asset after a hash of its content, so those are cached for a year;
 * `index.html` is revalidated every time, so a new build is picked up at once.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` writes the dashboard, relative to this file: `<repo>/web/dist`. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export interface DashboardOptions {
  /** The built dashboard. Default {@link DEFAULT_DASHBOARD_DIR}. */
  dir?: string;
  /** Paths that belong to something else (the API); they never fall back to index.html. */
  reserved: (path: string) => boolean;
}

/** The page served when the dashboard has not been built. */
function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portcullis: dashboard not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:12vh auto;padding:0 20px;
line-height:1.5;color:#1d1d1d}code{background:#f2f2f2;padding:2px 5px;border-radius:3px}</style>
</head><body>
<h1>The dashboard is not built</h1>
<p>Portcullis is running and its API answers under <code>/client/v4</code>, but there is no
built dashboard in <code>${escapeHtml(dir)}</code>.</p>
<p>Build it with <code>npm run build</code> and reload this page. <code>npm start</code> builds it
by itself whenever it is missing or older than its sources.</p>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The file under `dir` that a URL path names, or undefined when it would leave `dir`. */
function resolveFile(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(dir, decoded));
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Registers `GET /` and a catch-all GET for the dashboard's files. Paths for which
 * `reserved` is true are passed to the not-found handler, so an unknown API path still
 * answers in the API's envelope.
 */
export async function dashboardRoutes(
  app: FastifyInstance,
  options: DashboardOptions,
): Promise<void> {
  const dir = normalize(options.dir ?? DEFAULT_DASHBOARD_DIR);

  const sendIndex = async (reply: FastifyReply) => {
    const index = join(dir, 'index.html');
    if (!(await isFile(index))) {
      return reply
        .code(503)
        .header('cache-control', REVALIDATE)
        .type(CONTENT_TYPES['.html']!)
        .send(notBuiltPage(dir));
    }
    return reply
      .header('cache-control', REVALIDATE)
      .type(CONTENT_TYPES['.html']!)
      .send(await readFile(index));
  };

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (options.reserved(path)) return reply.callNotFound();
    if (path === '/' || path === '/index.html') return sendIndex(reply);

    const file = resolveFile(dir, path);
    if (file && (await isFile(file))) {
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const hashed = path.startsWith('/assets/');
      return reply
        .header('cache-control', hashed ? IMMUTABLE : REVALIDATE)
        .header('x-content-type-options', 'nosniff')
        .type(type)
        .send(await readFile(file));
    }
    // A missing asset is a real 404: answering index.html would hand a script an HTML page.
    if (path.startsWith('/assets/') || extname(path) !== '') return reply.callNotFound();
    return sendIndex(reply);
  };

  app.get('/', serve);
  app.get('/*', serve);
}

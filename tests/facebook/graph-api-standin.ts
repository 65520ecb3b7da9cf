/**
 * A local HTTP server on 127.0.0.1 that plays the Graph API for the tests: it records every
 * request (method, path, form or JSON parameters) and answers like Graph, `{"id": "<new comment
 * id>"}`; `failNext(n)` makes the next n calls fail with 500 and a Graph-style error, to show the
 * outbox retrying.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  method: string;
  path: string;
  params: Record<string, string>;
}

export class GraphApiStandin {
  readonly requests: GraphRequest[] = [];
  private failures = 0;
  private counter = 0;
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const params: Record<string, string> = Object.fromEntries(url.searchParams);
        const type = String(req.headers['content-type'] ?? '');
        if (type.includes('application/json') && raw) Object.assign(params, JSON.parse(raw) as Record<string, string>);
        else if (raw) Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
        this.requests.push({ method: req.method ?? '', path: url.pathname, params });
        res.setHeader('content-type', 'application/json');
        if (this.failures > 0) {
          this.failures--;
          res.statusCode = 500;
          res.end(JSON.stringify({ error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true } }));
          return;
        }
        const m = /^\/v[\d.]+\/([^/]+)\/comments$/.exec(url.pathname);
        if (req.method !== 'POST' || !m || !params['message'] || !params['access_token']) {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } }));
          return;
        }
        this.counter++;
        const postId = (m[1] ?? '').split('_')[0] ?? '';
        res.end(JSON.stringify({ id: `${postId}_${9000 + this.counter}` }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v21.0`;
    return this;
  }

  /** The next `n` calls answer 500. */
  failNext(n: number): void {
    this.failures = n;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

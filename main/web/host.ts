// The web host: the built renderer plus the main-process services over HTTP, on 127.0.0.1 only. It serves the
// same Handlers as Electron IPC: POST /api/call/<name> (wire-encoded args → wire-encoded Result) and
// GET /api/events (server-sent events). Requests must come from our own origin (DNS rebinding and cross-site
// requests are refused), mirroring the sender check of the Electron transport.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CALL_NAMES, type CallName, type Handlers } from '../../preload/contract';
import { AppError, toResult } from '../../preload/result';
import { decodeWire, encodeWire, WIRE_CONTENT_TYPE } from '../../preload/wire';
import type { EventSink } from '../handlers';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, readStaticFile } from '../static-files';

export const DEFAULT_PORT = 5178;
const MAX_BODY_BYTES = 2 ** 31 - 1;

export class WebHostError extends AppError {
  constructor(message: string) {
    super('web-host', message);
    this.name = 'WebHostError';
  }
}

/** MODEL_LAB_PORT, validated; DEFAULT_PORT when unset. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MODEL_LAB_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WebHostError(`MODEL_LAB_PORT must be a port number from 0 to 65535; got '${raw}'.`);
  }
  return port;
}

/** Event fan-out to every open /api/events stream. */
export class EventStreams implements EventSink {
  private readonly clients = new Set<ServerResponse>();
  add(response: ServerResponse): void {
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }
  emit: EventSink['emit'] = (name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of this.clients) client.write(frame);
  };
  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

export interface WebHostOptions {
  rendererRoot: string;
  handlers: Handlers;
  events: EventStreams;
  port?: number;
}

export interface WebHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new WebHostError(`Request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function startWebHost(options: WebHostOptions): Promise<WebHost> {
  let allowedHosts = new Set<string>();

  const server: Server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Internal error: ${(error as Error).message}`);
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Refused: unexpected Host header '${request.headers.host ?? ''}'.`);
      return;
    }
    const path = (request.url ?? '/').split('?')[0]!;

    if (path.startsWith('/api/')) {
      const origin = request.headers.origin;
      if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, ''))) {
        response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`Refused: request from a foreign origin '${origin}'.`);
        return;
      }
    }

    if (path === '/api/events' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      options.events.add(response);
      response.write(': connected\n\n');
      return;
    }

    if (path.startsWith('/api/call/')) {
      const name = path.slice('/api/call/'.length) as CallName;
      if (request.method !== 'POST' || request.headers['content-type'] !== WIRE_CONTENT_TYPE) {
        response.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`Calls are POSTs of ${WIRE_CONTENT_TYPE}.`);
        return;
      }
      const result = await toResult(async () => {
        if (!CALL_NAMES.includes(name)) throw new WebHostError(`'${name}' is not a call of the IPC contract.`);
        const args = decodeWire(await readBody(request));
        if (!Array.isArray(args)) throw new WebHostError(`The arguments of '${name}' must be a list.`);
        const handler = options.handlers[name] as (...a: unknown[]) => unknown;
        return handler(...args);
      });
      response.writeHead(200, { 'content-type': WIRE_CONTENT_TYPE, 'cache-control': 'no-store' });
      response.end(encodeWire(result));
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Method not allowed.');
      return;
    }
    const file = await readStaticFile(options.rendererRoot, path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found.');
      return;
    }
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      ...ISOLATION_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const port = options.port ?? DEFAULT_PORT;
      if (error.code === 'EADDRINUSE') {
        reject(new WebHostError(`Port ${port} on 127.0.0.1 is already in use; set MODEL_LAB_PORT to another port.`));
      } else {
        reject(new WebHostError(`Could not listen on 127.0.0.1:${port}: ${error.message}`));
      }
    });
    server.listen(options.port ?? DEFAULT_PORT, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
      allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
      resolvePromise({
        url: `http://127.0.0.1:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            options.events.closeAll();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

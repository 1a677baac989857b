import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from '../../../main/handlers';
import { EventStreams, portFromEnv, startWebHost, type WebHost } from '../../../main/web/host';
import { decodeWire, encodeWire, WIRE_CONTENT_TYPE } from '../../../preload/wire';
import type { Result } from '../../../preload/result';
import { connectHost } from '../../../renderer/host/host';

/** A raw request, so tests can set any Host header (fetch forbids that). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: Uint8Array) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('web host', () => {
  let host: WebHost;
  let events: EventStreams;
  const data = mkdtempSync(join(tmpdir(), 'model-lab-host-data-'));
  const rendererRoot = mkdtempSync(join(tmpdir(), 'model-lab-host-root-'));

  beforeAll(async () => {
    writeFileSync(join(rendererRoot, 'index.html'), '<!doctype html><title>Model Lab</title>');
    mkdirSync(join(rendererRoot, 'assets'));
    writeFileSync(join(rendererRoot, 'assets', 'app.js'), 'export {}');
    writeFileSync(join(rendererRoot, '..', 'secret-' + process.pid + '.txt'), 'secret');
    events = new EventStreams();
    host = await startWebHost({ rendererRoot, handlers: createHandlers({ data: { path: data, source: 'flag' }, host: 'web', events }), events, port: 0 });
  });
  afterAll(() => host.close());

  const hostHeader = () => `127.0.0.1:${host.port}`;

  it('binds to 127.0.0.1 and serves the renderer with a strict CSP', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await raw(host.port, '/', { host: hostHeader() });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers['content-security-policy']).toContain("object-src 'none'");
    const script = await raw(host.port, '/assets/app.js', { host: hostHeader() });
    expect(script.headers['content-type']).toContain('text/javascript');
  });

  it('refuses paths outside the renderer, foreign Host headers and foreign origins', async () => {
    expect((await raw(host.port, `/../secret-${process.pid}.txt`, { host: hostHeader() })).status).toBe(404);
    expect((await raw(host.port, `/%2e%2e/secret-${process.pid}.txt`, { host: hostHeader() })).status).toBe(404);
    expect((await raw(host.port, '/', { host: `attacker.example:${host.port}` })).status).toBe(421);
    const foreign = await raw(host.port, '/api/call/appInfo', { host: hostHeader(), origin: 'http://attacker.example', 'content-type': WIRE_CONTENT_TYPE }, 'POST', encodeWire([]));
    expect(foreign.status).toBe(403);
    const wrongType = await raw(host.port, '/api/call/appInfo', { host: hostHeader(), 'content-type': 'text/plain' }, 'POST', encodeWire([]));
    expect(wrongType.status).toBe(405);
  });

  it('answers contract calls with a Result, and unknown calls or bad bodies with a normalised error', async () => {
    const ok = await raw(host.port, '/api/call/appInfo', { host: hostHeader(), 'content-type': WIRE_CONTENT_TYPE }, 'POST', encodeWire([]));
    const result = decodeWire(new Uint8Array(ok.body)) as Result<{ dataDir: string; host: string }>;
    expect(result).toMatchObject({ ok: true, value: { dataDir: data, host: 'web' } });
    const unknown = decodeWire(new Uint8Array((await raw(host.port, '/api/call/formatDisk', { host: hostHeader(), 'content-type': WIRE_CONTENT_TYPE }, 'POST', encodeWire([]))).body));
    expect(unknown).toEqual({ ok: false, error: { code: 'web-host', message: "'formatDisk' is not a call of the IPC contract." } });
    const garbage = decodeWire(new Uint8Array((await raw(host.port, '/api/call/appInfo', { host: hostHeader(), 'content-type': WIRE_CONTENT_TYPE }, 'POST', new Uint8Array([9]))).body)) as Result<unknown>;
    expect(garbage.ok).toBe(false);
  });

  it('serves the renderer-side host client end to end', async () => {
    const client = connectHost({ location: { href: host.url } as Location });
    expect(client.kind).toBe('web');
    expect((await client.api.appInfo()).dataDir).toBe(data);
  });

  it('streams events to /api/events listeners', async () => {
    let connected!: () => void;
    const open = new Promise<void>((done) => (connected = done));
    const received = new Promise<string>((done) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: { host: hostHeader() } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.startsWith(': connected')) connected();
          const at = text.indexOf('event: progress');
          if (at >= 0 && text.includes('\n\n', at)) {
            req.destroy();
            done(text);
          }
        });
      });
      req.end();
    });
    await open; // the host registers the stream before it writes the opening comment
    events.emit('progress', { job: 'j1', done: false, fraction: 0.5, message: 'half' });
    expect(await received).toContain('data: {"job":"j1","done":false,"fraction":0.5,"message":"half"}');
  });

  it('reports a taken port and a bad MODEL_LAB_PORT clearly', async () => {
    await expect(startWebHost({ rendererRoot, handlers: createHandlers({ data: { path: data, source: 'flag' }, host: 'web', events }), events: new EventStreams(), port: host.port })).rejects.toThrow(
      `Port ${host.port} on 127.0.0.1 is already in use; set MODEL_LAB_PORT to another port.`,
    );
    expect(portFromEnv({})).toBe(5178);
    expect(portFromEnv({ MODEL_LAB_PORT: '6000' })).toBe(6000);
    expect(() => portFromEnv({ MODEL_LAB_PORT: 'eighty' })).toThrow("MODEL_LAB_PORT must be a port number from 0 to 65535; got 'eighty'.");
  });
});

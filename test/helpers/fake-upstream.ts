// A hostile or broken "Frame" on a loopback port: it records every request it receives (headers and body) and
// answers as the test says, with the Date header the test chooses. Tests use it to see exactly what the
// console sends out, e.g. which signed timestamps reach a host.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Our clock when it arrived (ms). */
  at: number;
}

export interface FakeAnswer {
  status: number;
  body: string;
  contentType?: string;
  /** The upstream clock minus ours, in seconds, sent as the Date header; none when null. */
  dateOffsetSeconds?: number | null;
  headers?: Record<string, string>;
}

export interface FakeUpstream {
  url: string;
  host: string;
  seen: SeenRequest[];
  answer(fn: (req: SeenRequest) => FakeAnswer): void;
  close(): Promise<void>;
}

/** A JWT-shaped string, as Frame answers it (a JSON string literal). */
export const FAKE_JWT = JSON.stringify(
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"fake"}').toString('base64url')}.c2ln`,
);

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const seen: SeenRequest[] = [];
  let respond: (req: SeenRequest) => FakeAnswer = () => ({ status: 200, body: FAKE_JWT });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      seen.push(request);
      const a = respond(request);
      const offset = a.dateOffsetSeconds === undefined ? 0 : a.dateOffsetSeconds;
      res.sendDate = false;
      if (offset !== null) res.setHeader('date', new Date(Date.now() + offset * 1000).toUTCString());
      res.writeHead(a.status, { 'content-type': a.contentType ?? 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    answer: (fn) => void (respond = fn),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A stand-in for the browser's fetch: answers queued per test, every request recorded. The SPA's API client is
// the only caller of fetch, so replacing the global is enough to drive composables without a server or a DOM.

export interface Answer {
  status: number;
  body?: unknown;
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeFetch {
  readonly requests: SentRequest[];
  /** Queues answers, given in the order the requests will arrive. */
  answer(...answers: (Answer | Error)[]): void;
}

/** Installs the fake as globalThis.fetch; a request with no queued answer fails the test loudly. */
export function installFakeFetch(): FakeFetch {
  const queue: (Answer | Error)[] = [];
  const requests: SentRequest[] = [];
  globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    requests.push({ method: init.method ?? 'GET', url: String(input), headers: { ...(init.headers as Record<string, string>) }, body });
    const next = queue.shift();
    if (!next) throw new Error(`unexpected request ${init.method ?? 'GET'} ${String(input)}`);
    if (next instanceof Error) throw next;
    const text = next.body === undefined ? '' : JSON.stringify(next.body);
    return new Response(next.status === 204 ? null : text, { status: next.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { requests, answer: (...answers) => queue.push(...answers) };
}

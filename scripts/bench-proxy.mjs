// The floor for `npm run bench`'s mint comparison: the least any console in front of Frame must do per
// token. It is a bare Fastify route that signs (HMAC-SHA256 over timestamp + client id) and forwards the
// body to the emulator over a keep-alive undici pool, then answers with the emulator's JSON string. It has no
// session, audit, storage or error mapping. Arguments: port, emulator origin, token path, client id; the
// secret comes from BENCH_PROXY_SECRET.
import Fastify from 'fastify';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';

const [port, upstream, tokenPath, clientId] = process.argv.slice(2);
const secret = process.env.BENCH_PROXY_SECRET ?? '';
const agent = new Agent({ keepAliveTimeout: 30_000 });
const app = Fastify({ logger: false });
app.post('/tokens', async (req, reply) => {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = createHmac('sha256', secret)
    .update(timestamp + clientId)
    .digest('hex');
  const res = await request(`${upstream}${tokenPath}`, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'content-type': 'application/json',
      'X-Frame-ClientId': clientId,
      'X-Frame-Timestamp': timestamp,
      'X-Frame-Signature': signature,
    },
    body: JSON.stringify(req.body),
  });
  return reply
    .status(res.statusCode)
    .header('content-type', 'application/json')
    .send(await res.body.text());
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log('ready');

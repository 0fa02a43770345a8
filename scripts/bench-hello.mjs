// The baseline for `npm run bench`: a bare Fastify answering one small JSON list, nothing else.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => [{ id: '00000000-0000-4000-8000-000000000000', name: 'hello', tokenDurationMin: 60 }]);
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
console.log('ready');

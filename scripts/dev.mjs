// `npm run dev`: the API (tsx watch, port 8080) and the SPA (Vite with hot reload, port 5173, proxying /api).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = (/** @type {string} */ name) => join(process.cwd(), 'node_modules', '.bin', name);
const children = [
  spawn(bin('tsx'), ['watch', 'server/main.ts'], { stdio: 'inherit' }),
  spawn(bin('vite'), ['--config', 'web/vite.config.ts'], { stdio: 'inherit' }),
];
console.log('dev: API on http://127.0.0.1:8080, SPA with hot reload on http://127.0.0.1:5173');
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children)
  c.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });

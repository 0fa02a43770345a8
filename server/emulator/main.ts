// `npm run emulator -- [--config file.json] [--port 8090] [--host 127.0.0.1] [--control]`
import { parseArgs } from 'node:util';
import { loadEmulatorConfig, parseEmulatorConfig } from './config.js';
import { buildEmulatorServer } from './server.js';
import { LOG_LEVELS } from '../env-schema.js';

const USAGE = 'Usage: npm run emulator -- [--config <file.json>] [--port <n>] [--host <addr>] [--control]';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        control: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const level = process.env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const config = args.config ? loadEmulatorConfig(args.config) : parseEmulatorConfig({ credentials: [], providers: [] });
  const port = args.port !== undefined ? Number(args.port) : (config.port ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${args.port}`);
  const host = args.host ?? config.host ?? '127.0.0.1';
  const { app, registry } = await buildEmulatorServer(
    { ...config, control: args.control ?? config.control ?? false },
    { logger: { level } },
  );
  const address = await app.listen({ port, host });
  const counts = registry.counts();
  app.log.info(`Frame SAT emulator on ${address} with ${counts.credentials} credential(s) and ${counts.providers} provider(s)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(`emulator: ${(err as Error).message}`);
  process.exit(1);
});

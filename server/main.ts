// `npm start`: loads the configuration from the environment and runs the console until SIGINT/SIGTERM.
import './wasm-flags.js';
import { loadConfig } from './config.js';
import { startConsole } from './boot.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startConsole(config);
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      running.app.log.info(`${signal}: closing`);
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((err: unknown) => {
  console.error(`sat-playground could not start: ${(err as Error).message}`);
  process.exit(1);
});

// A standalone emulator server (used by `npm run emulator` and by tests).
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { EmulatorConfig } from './config.js';
import { BODY_LIMIT_BYTES } from './contract.js';
import { FaultSwitch } from './faults.js';
import { JwtSigner } from './jwt-signer.js';
import { frameEmulator } from './plugin.js';
import { EmulatorRegistry } from './registry.js';

export interface EmulatorServer {
  app: FastifyInstance;
  registry: EmulatorRegistry;
  faults: FaultSwitch;
  signer: JwtSigner;
}

export async function buildEmulatorServer(
  config: EmulatorConfig,
  opts: { logger?: boolean | { level: string }; now?: () => number } = {},
): Promise<EmulatorServer> {
  const registry = new EmulatorRegistry();
  for (const c of config.credentials) registry.upsertCredential(c);
  for (const p of config.providers) registry.upsertProvider(p);
  const faults = new FaultSwitch();
  if (config.faults) faults.set(config.faults);
  const signer = config.signingKeyFile ? JwtSigner.fromPem(readFileSync(config.signingKeyFile, 'utf8')) : JwtSigner.generate();
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true, bodyLimit: BODY_LIMIT_BYTES });
  await app.register(frameEmulator, {
    registry,
    signer,
    faults,
    control: config.control ?? false,
    ...(config.timestampWindowSeconds !== undefined ? { timestampWindowSeconds: config.timestampWindowSeconds } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { app, registry, faults, signer };
}

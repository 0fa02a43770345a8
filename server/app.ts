// The root plugin: server options shared by tests and production, OpenAPI, the console API, the built-in
// emulator under /emulator, and the built SPA.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DestinationStream } from 'pino';
import type { ServerOptions } from 'node:http';
import { installErrorHandling } from './http/error-handler.js';
import { installJsonParser } from './http/json-body.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { installAuth } from './http/auth-hook.js';
import { installHostCheck, type HostPolicy } from './http/host-check.js';
import { lazySchemas } from './http/lazy-schemas.js';
import { serializeRequest } from './http/log-redaction.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { auditRoutes } from './routes/audit.js';
import { brokerRoutes } from './routes/broker.js';
import { isPermission } from './contract/permissions.js';
import './http/route-config.js';
import { frameEmulator } from './emulator/plugin.js';
import type { EmulatorServices } from './services/container.js';
import type { Services } from './services/container.js';
import { healthRoutes, metricsRoutes, readinessRoutes } from './routes/health.js';
import { credentialSetRoutes } from './routes/credential-sets.js';
import { providerRoutes } from './routes/providers.js';
import { tokenRoutes } from './routes/tokens.js';
import { transferRoutes } from './routes/transfer.js';
import { metaRoutes } from './routes/meta.js';
import { bulkRoutes } from './routes/bulk.js';
import { historyRoutes } from './routes/history.js';
import { presetRoutes } from './routes/presets.js';

export const EMULATOR_PREFIX = '/emulator';

export interface AppOptions {
  services: Services;
  emulator?: EmulatorServices | undefined;
  emulatorTimestampWindowSeconds?: number;
  /** Directory of the built SPA (index.html); not served when absent. */
  webRoot?: string | undefined;
  logLevel?: string;
  logStream?: DestinationStream;
  /** Fastify's trustProxy: whether X-Forwarded-* from a reverse proxy decide the client address and https. */
  trustProxy?: boolean | string | undefined;
  /** A client must send its request headers within this time (slow-header clients are dropped). */
  headersTimeoutMs?: number | undefined;
  /** Which Host names the console answers to (DNS rebinding); every name when absent. */
  hostPolicy?: HostPolicy | undefined;
  /** The operator's bearer token for /api/metrics and /api/ready/detail (OPS_TOKEN). */
  opsToken?: string | undefined;
}

/** Redaction for every log line: credentials and tokens never reach the log. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-frame-signature"]',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.token',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.key',
  '*.csrfToken',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** The SPA is compiled ahead (no eval, no inline script or style), so the policy needs no 'unsafe-*'. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  // Served on plain http on loopback too: upgrading requests would break it.
  upgradeInsecureRequests: null,
};

export function serverOptions(
  opts: Pick<AppOptions, 'logLevel' | 'logStream' | 'trustProxy' | 'headersTimeoutMs'>,
): FastifyServerOptions & { http: ServerOptions } {
  return {
    // Headers must arrive within the timeout, checked every second (Node's default check is every 30 s).
    http: { headersTimeout: opts.headersTimeoutMs ?? 10_000, connectionsCheckingInterval: 1_000 },
    trustProxy: opts.trustProxy ?? false,
    logger: {
      level: opts.logLevel ?? 'info',
      redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' },
      // No route takes a token in its URL; should a client put one there anyway, it is redacted too.
      serializers: { req: serializeRequest },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: 64 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  };
}

export interface RegisteredRoute {
  method: string;
  url: string;
  permission: unknown;
  /** The route's `:id` is a provider id that a support user needs a grant on (config.providerScoped). */
  providerScoped: boolean;
  schema: Record<string, unknown> | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, with what it declares: for the contract tests and the role matrix. */
    registeredRoutes: RegisteredRoute[];
    /** Compiles every route schema not yet compiled (they compile on first use); throws if one cannot. */
    compileAllSchemas(): void;
    /** How many route schemas have not been compiled yet. */
    pendingSchemas(): number;
  }
}

/** Every console route must say which permission it needs and what it answers: checked as routes are added. */
function enforceRouteContract(app: FastifyInstance): void {
  const registered: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registered);
  app.addHook('onRoute', (route) => {
    const config = route.config as { permission?: unknown; providerScoped?: unknown } | undefined;
    const permission = config?.permission;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      registered.push({
        method,
        url: route.url,
        permission,
        providerScoped: config?.providerScoped === true,
        schema: route.schema as Record<string, unknown> | undefined,
      });
    }
    if (!route.url.startsWith('/api/')) return;
    if (!isPermission(permission)) throw new Error(`route ${String(route.method)} ${route.url} declares no known permission`);
    if (!route.schema?.response) throw new Error(`route ${String(route.method)} ${route.url} has no response schema`);
  });
}

/**
 * On close, Fastify closes the connections idle at that moment; one still busy (an in-flight mint) goes
 * idle after its answer and would then hold the shutdown for the whole keep-alive timeout (72 s). Until
 * the server has closed, idle connections are closed every 100 ms.
 */
function closeConnectionsAsTheyIdle(app: FastifyInstance): void {
  app.addHook('preClose', (done) => {
    const timer = setInterval(() => app.server.closeIdleConnections(), 100);
    app.server.once('close', () => clearInterval(timer));
    done();
  });
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const schemas = lazySchemas();
  const app = Fastify({ ...serverOptions(opts), schemaController: { compilersFactory: schemas.compilersFactory } });
  app.decorate('compileAllSchemas', schemas.compileAll);
  app.decorate('pendingSchemas', schemas.pending);
  const serveSpa = Boolean(opts.webRoot && existsSync(join(opts.webRoot, 'index.html')));
  installErrorHandling(app, { spaFallback: serveSpa });
  installJsonParser(app);
  enforceRouteContract(app);

  closeConnectionsAsTheyIdle(app);
  installSecurityHeaders(app, { contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } });
  if (opts.hostPolicy) installHostCheck(app, opts.hostPolicy);
  // On a shared database, what another replica changed is dropped from this process's caches before the
  // request reads them (sessions, grants, providers, the built-in emulator's registry).
  // Liveness (/api/health) asks nothing of the database, so a database outage does not get replicas restarted.
  const { generations } = opts.services;
  if (generations.shared)
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.url !== '/api/health') await generations.sync();
    });
  installAuth(app, {
    sessions: opts.services.sessions,
    apiKeys: opts.services.apiKeys,
    audit: opts.services.audit,
    opsToken: opts.opsToken,
  });
  // Every error answer counts, whichever route or hook gave it.
  app.addHook('onResponse', (_request, reply, done) => {
    if (reply.errorCode) opts.services.metrics.errors.inc({ code: reply.errorCode });
    done();
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sat-playground API',
        version: '0.1.0',
        description:
          'Console API for Frame Secure Anonymous Tokens, and the built-in Frame SAT emulator (under /emulator). Sign in with POST /api/session; send the session cookie and, on changes, X-CSRF-Token. The token broker (/api/v1/...) takes an API key as Authorization: Bearer.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A token-broker API key (satk_...)' },
          opsToken: { type: 'http', scheme: 'bearer', description: "The operator's OPS_TOKEN (metrics, detailed readiness)" },
        },
      },
    },
  });
  // Swagger UI (only /docs) brings its own policy: hashes for its scripts, but it sets inline styles at run
  // time, so its style-src needs 'unsafe-inline'; no https upgrade on loopback. The SPA's policy stays strict.
  // Its assets are located through the package, not next to its code, so the console bundle finds them.
  const swaggerUiAssets = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    baseDir: swaggerUiAssets,
    logo: { type: 'image/svg+xml', content: readFileSync(join(swaggerUiAssets, 'logo.svg')) },
    staticCSP: true,
    transformStaticCSP: (header) =>
      header.replace(/\s*upgrade-insecure-requests;?/, '').replace("style-src 'self' https:", "style-src 'self' https: 'unsafe-inline'"),
  });

  await app.register(healthRoutes);
  await app.register(readinessRoutes, { services: opts.services });
  await app.register(metricsRoutes, { services: opts.services });
  for (const routes of [
    authRoutes,
    userRoutes,
    auditRoutes,
    brokerRoutes,
    credentialSetRoutes,
    providerRoutes,
    tokenRoutes,
    transferRoutes,
    metaRoutes,
    bulkRoutes,
    historyRoutes,
    presetRoutes,
  ]) {
    await app.register(routes, { services: opts.services });
  }

  if (opts.emulator) {
    await app.register(frameEmulator, {
      prefix: EMULATOR_PREFIX,
      registry: opts.emulator.registry,
      signer: opts.emulator.signer,
      faults: opts.emulator.faults,
      ...(opts.emulatorTimestampWindowSeconds ? { timestampWindowSeconds: opts.emulatorTimestampWindowSeconds } : {}),
    });
  }

  if (serveSpa && opts.webRoot) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}

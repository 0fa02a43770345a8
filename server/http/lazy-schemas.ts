// Route schemas compiled on first use instead of at start-up. Fastify compiles a validator (ajv) and a
// serializer (fast-json-stringify) for every schema of every route before it listens: about 420 ms and
// 20 MB for this console's ~60 routes, most of which a given process never serves. These factories wrap
// Fastify's own compilers (same options, same code generated) and defer each compile to the first request
// that needs it; `compileAll` compiles every deferred one, for tests that prove every schema compiles.
import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (doc: unknown) => string;

export interface LazySchemas {
  compilersFactory: CompilersFactory;
  /** How many compiles are still deferred. */
  pending: () => number;
  /** Compiles every deferred schema now; throws the first compile error with its route. */
  compileAll: () => void;
}

export function lazySchemas(): LazySchemas {
  const deferred = new Set<() => unknown>();

  /** A thunk that compiles once, on first call, and forgets itself from the pending set. */
  function once<T>(label: string, compile: () => T): () => T {
    let compiled: T | undefined;
    const force = (): T => {
      if (compiled === undefined) {
        try {
          compiled = compile();
        } catch (err) {
          throw new Error(`the schema of ${label} does not compile: ${(err as Error).message}`, { cause: err });
        }
        deferred.delete(force);
      }
      return compiled;
    };
    deferred.add(force);
    return force;
  }

  const buildValidator = ValidatorSelector();
  const buildSerializer = SerializerSelector();
  const compilersFactory: CompilersFactory = {
    buildValidator: (externalSchemas: unknown, options: unknown) => {
      const compiler = (buildValidator as (s: unknown, o: unknown) => (def: unknown) => Validate)(externalSchemas, options);
      return (def: { method: string; url: string; httpPart?: string }) => {
        const get = once(`${def.method} ${def.url} (${def.httpPart ?? 'request'})`, () => compiler(def));
        // Fastify reads `errors` after a failed call, and passes the parent object (so ajv may set defaults
        // on the root) only to functions that carry ajv's `schemaEnv`: both are forwarded to the real one.
        const validate = ((data: unknown, context?: unknown) => (context === undefined ? get()(data) : get()(data, context))) as Validate;
        Object.defineProperty(validate, 'errors', { get: () => get().errors });
        Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
        return validate;
      };
    },
    buildSerializer: (externalSchemas: unknown, options: unknown) => {
      const compiler = (buildSerializer as (s: unknown, o: unknown) => (def: unknown) => Serialize)(externalSchemas, options);
      return (def: { method: string; url: string; httpStatus?: string }) => {
        const get = once(`${def.method} ${def.url} (response ${def.httpStatus ?? ''})`, () => compiler(def));
        return (doc: unknown) => get()(doc);
      };
    },
  } as unknown as CompilersFactory;

  return {
    compilersFactory,
    pending: () => deferred.size,
    compileAll() {
      for (const force of [...deferred]) force();
    },
  };
}

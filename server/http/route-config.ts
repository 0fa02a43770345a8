// What every route declares in its config: the permission it needs, and whether its `:id` is a provider id.
import type { Permission } from '../contract/permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    /** The route's `:id` is a provider id: a support user needs a grant on it. */
    providerScoped?: boolean;
  }
}

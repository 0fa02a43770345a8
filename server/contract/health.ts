// Operations: liveness, readiness (minimal for probes, detailed for operators) and Prometheus metrics.
import { Type, type Static } from 'typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() });
export type Health = Static<typeof HealthSchema>;

/** GET /api/ready, 200 or 503: for load balancers and probes, nothing about the console's insides. */
export const ReadyMinimalSchema = Type.Object({ ready: Type.Boolean() });
export type ReadyMinimal = Static<typeof ReadyMinimalSchema>;

const Check = Type.Object({ ok: Type.Boolean(), message: Type.String() });
/** GET /api/ready/detail, 200 or 503. */
export const ReadinessSchema = Type.Object({
  ready: Type.Boolean(),
  database: Check,
  migrations: Type.Object({ ok: Type.Boolean(), applied: Type.Integer(), expected: Type.Integer(), missing: Type.Array(Type.String()) }),
  upstreams: Type.Array(
    Type.Object({
      upstream: Type.String(),
      offsetSeconds: Type.Integer(),
      measuredAt: Type.String(),
      withinBound: Type.Boolean({ description: 'false: beyond UPSTREAM_MAX_SKEW_SECONDS, so the console signs nothing for this upstream' }),
      message: Type.String(),
    }),
    { description: 'Clock offset of each upstream at its last answer (its Date header minus ours)' },
  ),
});
export type Readiness = Static<typeof ReadinessSchema>;

/** GET /api/metrics: Prometheus text format. */
export const MetricsTextSchema = Type.String();

// Fault knobs for tests and demos: make the emulator slow, wrong, silent or rude on purpose.
import { Type, type Static } from 'typebox';

export const FaultsSchema = Type.Object(
  {
    latencyMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 600_000, description: 'Delay added before every token or assertions answer.' }),
    ),
    forceStatus: Type.Optional(
      Type.Integer({
        minimum: 400,
        maximum: 599,
        description: 'Answer every token request with this status and an {error: "forced"} body.',
      }),
    ),
    retryAfterSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86_400, description: 'Retry-After header sent with forceStatus.' }),
    ),
    hang: Type.Optional(Type.Boolean({ description: 'Accept token requests and never answer.' })),
    reset: Type.Optional(Type.Boolean({ description: 'Reset the connection on every token request.' })),
    garbageBody: Type.Optional(Type.Boolean({ description: 'Answer 200 with a body that is not a JSON string.' })),
    clockOffsetSeconds: Type.Optional(
      Type.Integer({
        minimum: -86_400,
        maximum: 86_400,
        description: "Shift of the emulator's clock (timestamp checks, iat/exp, Date header).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type Faults = Static<typeof FaultsSchema>;

export class FaultSwitch {
  private current: Faults = {};

  get(): Faults {
    return { ...this.current };
  }

  set(faults: Faults): void {
    this.current = { ...faults };
  }

  clear(): void {
    this.current = {};
  }

  nowMs(realNowMs: number): number {
    return realNowMs + (this.current.clockOffsetSeconds ?? 0) * 1000;
  }
}

// Each upstream's clock as learned from the Date headers of its fresh answers (clock.ts computes one offset):
// followed when signing while within ±maxSkewSeconds; beyond it, remembered as a clock problem, and nothing is
// signed for that upstream until a new measure is back within the bound.
import { clockOffsetSeconds, describeOffset } from './clock.js';
import { header, type Headers } from './response.js';
import type { ResiliencePolicy } from './resilience.js';

/** One upstream's clock as the readiness route shows it. */
export interface ClockReport {
  upstream: string;
  offsetSeconds: number;
  measuredAt: string;
  /** False when the offset is beyond UPSTREAM_MAX_SKEW_SECONDS: the console then signs nothing for it. */
  withinBound: boolean;
  message: string;
}

export interface ClockState {
  /** Upstream clock minus ours (s), learned from trusted Date headers and applied to the next signature; within the bound. */
  skewSeconds: number | null;
  measuredAt: number;
  /** The last offset measured beyond the bound: until a fresh measure is within it, nothing is signed. */
  outOfBound: { offsetSeconds: number; measuredAt: number } | null;
}

export class LearnedClocks {
  private readonly clocks = new Map<string, ClockState>();

  constructor(private readonly policy: Pick<ResiliencePolicy, 'maxSkewSeconds' | 'skewMaxRoundTripMs'>) {}

  get maxSkewSeconds(): number {
    return this.policy.maxSkewSeconds;
  }

  of(origin: string): ClockState {
    let state = this.clocks.get(origin);
    if (!state) {
      state = { skewSeconds: null, measuredAt: 0, outOfBound: null };
      this.clocks.set(origin, state);
    }
    return state;
  }

  /** The clock offset (s) signatures for an upstream carry: learned from its Date headers, else 0. */
  skewFor(origin: string): number {
    return this.clocks.get(origin)?.skewSeconds ?? 0;
  }

  /** What the readiness route shows: each upstream's last measured clock offset, and whether it is followed. */
  reports(): ClockReport[] {
    return [...this.clocks].flatMap(([upstream, h]): ClockReport[] => {
      if (h.outOfBound) {
        return [
          {
            upstream,
            offsetSeconds: h.outOfBound.offsetSeconds,
            measuredAt: new Date(h.outOfBound.measuredAt).toISOString(),
            withinBound: false,
            message: this.outOfBoundMessage(h.outOfBound.offsetSeconds),
          },
        ];
      }
      if (h.skewSeconds === null) return [];
      return [
        {
          upstream,
          offsetSeconds: h.skewSeconds,
          measuredAt: new Date(h.measuredAt).toISOString(),
          withinBound: true,
          message: describeOffset(h.skewSeconds),
        },
      ];
    });
  }

  outOfBoundMessage(offset: number): string {
    return `The upstream's Date header says ${describeOffset(offset)}, beyond the ±${this.policy.maxSkewSeconds} s the console follows (UPSTREAM_MAX_SKEW_SECONDS): this machine's clock or the upstream's is wrong. Nothing is signed for it until the clocks agree; fix the clock (NTP).`;
  }

  /**
   * The clock offset an answer's Date header shows (null without one), learned only from fresh answers: not
   * from a cache (Age) nor over a round trip too long to time.
   */
  observe(clock: ClockState, headers: Headers, sentMs: number, receivedMs: number): number | null {
    const offset = clockOffsetSeconds(header(headers, 'date'), sentMs, receivedMs);
    if (offset !== null && header(headers, 'age') === undefined && receivedMs - sentMs <= this.policy.skewMaxRoundTripMs)
      this.learn(clock, offset, receivedMs);
    return offset;
  }

  /**
   * Learns the offset of one fresh answer: followed within the bound; beyond it, remembered as a clock problem
   * and not followed (signing then stops until a measure is back within the bound).
   */
  private learn(clock: ClockState, offset: number, receivedMs: number): void {
    if (Math.abs(offset) <= this.policy.maxSkewSeconds) {
      clock.skewSeconds = offset;
      clock.measuredAt = receivedMs;
      clock.outOfBound = null;
    } else {
      clock.skewSeconds = null;
      clock.outOfBound = { offsetSeconds: offset, measuredAt: receivedMs };
    }
  }
}

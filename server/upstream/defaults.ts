// The upstream client's default timeouts and clock-skew bound: plain data, read by the client and by the
// configuration's schema (as the defaults of the UPSTREAM_* variables) without loading the transport.

export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  /** Upper bound for the whole exchange. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connectMs: 3000, headersMs: 5000, bodyMs: 5000, totalMs: 8000 };

/** The largest upstream clock offset (s) followed when signing, unless UPSTREAM_MAX_SKEW_SECONDS says otherwise. */
export const DEFAULT_MAX_SKEW_SECONDS = 900;

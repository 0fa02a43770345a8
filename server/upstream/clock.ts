// Clock offset from an HTTP Date header, the AWS SDK way: server time minus the midpoint of the round trip.

/** Seconds (rounded) the upstream clock is ahead of ours, 0 when the exchange cannot tell the clocks apart; null without a usable Date header. */
export function clockOffsetSeconds(dateHeader: string | undefined, sentMs: number, receivedMs: number): number | null {
  if (!dateHeader) return null;
  const serverMs = Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) return null;
  // The Date header has one-second resolution: the true server time lies in [serverMs, serverMs + 1000),
  // and it was read at some moment from sentMs to receivedMs on our clock. When an offset of zero fits that
  // window, the clocks cannot be told apart. Rounding the midpoint would then read up to ±1 s (a Date made
  // at the end of a slow first exchange, on a second boundary), so the offset is 0.
  if (serverMs <= receivedMs && sentMs < serverMs + 1000) return 0;
  return Math.round((serverMs + 500 - (sentMs + receivedMs) / 2) / 1000);
}

export function describeOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'our clock matches the upstream clock';
  const direction = offsetSeconds > 0 ? 'behind' : 'ahead of';
  return `our clock is ${Math.abs(offsetSeconds)} s ${direction} the upstream clock`;
}

// Clock offset from an HTTP Date header, the AWS SDK way: server time minus the midpoint of the round trip.

/** Seconds (rounded) the upstream clock is ahead of ours; null without a usable Date header. */
export function clockOffsetSeconds(dateHeader: string | undefined, sentMs: number, receivedMs: number): number | null {
  if (!dateHeader) return null;
  const serverMs = Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) return null;
  // The Date header has one-second resolution: the true server time lies in [serverMs, serverMs + 1000).
  return Math.round((serverMs + 500 - (sentMs + receivedMs) / 2) / 1000);
}

export function describeOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'our clock matches the upstream clock';
  const direction = offsetSeconds > 0 ? 'behind' : 'ahead of';
  return `our clock is ${Math.abs(offsetSeconds)} s ${direction} the upstream clock`;
}

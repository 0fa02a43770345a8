/** "today", "1 day", "45 days": how long ago an ISO time was. */
export function ageInDays(iso: string, nowMs: number): string {
  const days = Math.floor((nowMs - Date.parse(iso)) / 86_400_000);
  if (days <= 0) return 'today';
  return `${days} day${days === 1 ? '' : 's'}`;
}

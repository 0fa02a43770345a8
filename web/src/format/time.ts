// Durations and times as a Frame admin reads them.

/** 480 → "8 hours", 90 → "1 hour 30 min", 45 → "45 min". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 0 ? '' : `${h} hour${h === 1 ? '' : 's'}`;
  const mins = m === 0 ? '' : `${m} min`;
  return [hours, mins].filter(Boolean).join(' ') || '0 min';
}

/** "in 59 min 58 s" / "3 min ago". */
export function formatRelative(targetSeconds: number, nowMs: number): string {
  const diff = Math.round(targetSeconds - nowMs / 1000);
  const abs = Math.abs(diff);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const text = [h ? `${h} h` : '', m ? `${m} min` : '', !h && s ? `${s} s` : ''].filter(Boolean).join(' ') || '0 s';
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function formatLocal(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

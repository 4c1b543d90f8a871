export const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
export const ms = (v: number | null): string => (v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
export const when = (iso: string | null): string => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

// A per-key sliding window in this process's memory: enough to stop one address from flooding the
// public signup with sessions. (Staff sign-in keeps its failures in the database instead.)

export function slidingWindow(limit: number, windowMs: number) {
  const hits = new Map<string, number[]>();
  return {
    /** Records a hit for `key`; false when the key already had `limit` hits within the window. */
    take(key: string, now = Date.now()): boolean {
      const recent = (hits.get(key) ?? []).filter((at) => now - at < windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      if (hits.size > 10_000) {
        for (const [other, times] of hits) if (times.every((at) => now - at >= windowMs)) hits.delete(other);
      }
      return true;
    },
  };
}

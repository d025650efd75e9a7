// Every random choice the sandbox makes (ids, codes, fault draws, webhook shuffles) comes from here,
// so that a run is reproducible from SANDBOX_SEED.

export type Random = {
  next: () => number;
  int: (min: number, max: number) => number;
  digits: (length: number) => string;
  hex: (length: number) => string;
  alnum: (length: number) => string;
  shuffle: <T>(items: T[]) => T[];
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** mulberry32: tiny, fast, good enough for a simulator. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    digits: (length) => {
      let out = String(int(1, 9));
      while (out.length < length) out += String(int(0, 9));
      return out;
    },
    hex: (length) => {
      let out = '';
      while (out.length < length) out += int(0, 15).toString(16);
      return out;
    },
    alnum: (length) => {
      let out = '';
      while (out.length < length) out += ALNUM[int(0, ALNUM.length - 1)];
      return out;
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
  };
}

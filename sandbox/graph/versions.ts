import type { Sandbox } from '../state';
import { graphError, type GraphError } from './errors';

// Graph API versions with their release dates and the end of their availability: two years after the next release
// (Meta: Graph API changelog; Meta: Platform Versioning).

type Version = { name: string; released: string; availableUntil: string };

export const graphVersions: Version[] = [
  { name: 'v19.0', released: '2024-01-23', availableUntil: '2026-05-21' },
  { name: 'v20.0', released: '2024-05-21', availableUntil: '2026-09-24' },
  { name: 'v21.0', released: '2024-10-02', availableUntil: '2027-01-21' },
  { name: 'v22.0', released: '2025-01-21', availableUntil: '2027-05-20' },
  { name: 'v23.0', released: '2025-05-29', availableUntil: '2027-10-08' },
  { name: 'v24.0', released: '2025-10-08', availableUntil: '2028-02-18' },
  { name: 'v25.0', released: '2026-02-18', availableUntil: '2028-07-29' },
  { name: 'v26.0', released: '2026-07-29', availableUntil: '2028-11-04' },
  { name: 'v27.0', released: '2026-11-04', availableUntil: '9999-12-31' },
];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

function usable(now: number): Version[] {
  return graphVersions.filter((v) => now < day(v.availableUntil));
}

/**
 * The version a call is served with. Meta serves unversioned calls, and calls to a version past its
 * end of life, as the oldest version still available (Meta: Platform Versioning), and says which in
 * the facebook-api-version header. A version Meta never released is an error.
 */
export function resolveVersion(sb: Sandbox, requested: string | undefined): { version: string } | { error: GraphError } {
  const now = sb.clock.now();
  const available = usable(now);
  const oldest = available[0]?.name ?? 'v25.0';
  if (requested === undefined) return { version: oldest };
  const known = graphVersions.find((v) => v.name === requested);
  if (known && now >= day(known.availableUntil)) return { version: oldest };
  if (known) return { version: known.name };
  const match = /^v(\d+)\.(\d+)$/.exec(requested);
  const major = Number(match?.[1] ?? 0);
  // Versions older than the ones listed here are long retired; they are upgraded like any retired version.
  if (match && major < 19) return { version: oldest };
  return { error: unknownVersion(requested) };
}

function unknownVersion(requested: string): GraphError {
  return graphError({ message: `(#2500) Unknown path components: /${requested}`, type: 'OAuthException', code: 2500 });
}

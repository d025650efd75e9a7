import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir } from '@/lib/env';

// PGlite is one process's database: a pid file keeps a second process from opening the same folder.
const lockFile = path.join(dataDir, 'pglite.pid');

function holder(): number | undefined {
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, 'utf8'));
  if (!Number.isInteger(pid) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function claimDataDir(): void {
  const pid = holder();
  if (pid !== undefined) {
    console.error(`onramp: ${dataDir} is in use by process ${pid}; stop it first (PGlite serves one process).`);
    process.exit(1);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lockFile, String(process.pid));
}

export function releaseDataDir(): void {
  if (existsSync(lockFile) && readFileSync(lockFile, 'utf8') === String(process.pid)) rmSync(lockFile);
}

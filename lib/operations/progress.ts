import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { operationRuns, operationSteps, type OperationRun, type OperationStep } from '@/lib/db/schema';
import { adviceFor } from '@/lib/operations/failures';
import { baseName, keyOf, operationNamed } from '@/lib/operations/registry';
import type { StepLabel } from '@/lib/operations/types';

// What a page shows of any operation: each step with its status, attempts and last error, in words.

export type StepProgress = {
  name: string;
  key: string | null;
  label: StepLabel;
  status: OperationStep['status'];
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: unknown;
  lastError: { code: string | null; message: string | null; fbtraceId: string | null; advice: string | null } | null;
};

export type RunProgress = {
  id: string;
  operation: string;
  title: string;
  subjectType: string;
  subjectId: string;
  status: OperationRun['status'];
  statusMessage: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  createdBy: string | null;
  steps: StepProgress[];
  /** Steps done or skipped, of all. */
  settled: number;
  total: number;
};

function labelOf(operationName: string, stepRow: string): StepLabel {
  const definition = operationNamed(operationName).steps.find((s) => s.name === baseName(stepRow));
  const key = keyOf(stepRow);
  if (!definition) return { staff: stepRow, customer: stepRow };
  return key === null ? definition.label : { staff: `${definition.label.staff} (${key})`, customer: `${definition.label.customer} (${key})` };
}

function order(operationName: string, rows: OperationStep[]): OperationStep[] {
  const names = operationNamed(operationName).steps.map((s) => s.name);
  // Steps no longer defined (an older version's) come last.
  const rank = (row: OperationStep) => (names.includes(baseName(row.name)) ? names.indexOf(baseName(row.name)) : names.length);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function progressOf(run: OperationRun, rows: OperationStep[]): RunProgress {
  const steps = order(run.operation, rows).map((row) => ({
    name: row.name,
    key: keyOf(row.name),
    label: labelOf(run.operation, row.name),
    status: row.status,
    attempts: row.attempts,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    result: row.result,
    lastError:
      row.lastErrorCode || row.lastErrorMessage
        ? { code: row.lastErrorCode, message: row.lastErrorMessage, fbtraceId: row.lastFbtraceId, advice: adviceFor(row.lastErrorCode) }
        : null,
  }));
  return {
    id: run.id,
    operation: run.operation,
    title: operationNamed(run.operation).title,
    subjectType: run.subjectType,
    subjectId: run.subjectId,
    status: run.status,
    statusMessage: run.statusMessage,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    createdBy: run.createdBy,
    steps,
    settled: steps.filter((s) => s.status === 'done' || s.status === 'skipped').length,
    total: steps.length,
  };
}

export async function runProgress(runId: string): Promise<RunProgress | undefined> {
  const [run] = await db().select().from(operationRuns).where(eq(operationRuns.id, runId));
  if (!run) return undefined;
  const rows = await db().select().from(operationSteps).where(eq(operationSteps.runId, runId));
  return progressOf(run, rows);
}

/** The newest runs about one subject (a WABA's page), each with its steps. */
export async function runsAbout(subjectType: string, subjectId: string, limit = 20): Promise<RunProgress[]> {
  const runs = await db()
    .select()
    .from(operationRuns)
    .where(and(eq(operationRuns.subjectType, subjectType), eq(operationRuns.subjectId, subjectId)))
    .orderBy(desc(operationRuns.createdAt))
    .limit(limit);
  if (runs.length === 0) return [];
  const rows = await db()
    .select()
    .from(operationSteps)
    .where(
      inArray(
        operationSteps.runId,
        runs.map((r) => r.id),
      ),
    )
    .orderBy(asc(operationSteps.name));
  return runs.map((run) =>
    progressOf(
      run,
      rows.filter((r) => r.runId === run.id),
    ),
  );
}

import { bulkAccountsOperation } from '@/lib/bulk/operation';
import { addPhoneNumberOperation, sendCodeOperation } from '@/lib/numbers/operations/add';
import { changePinOperation, deregisterPhoneNumberOperation, registerPhoneNumberOperation } from '@/lib/numbers/operations/manage';
import { verifyPhoneNumberOperation } from '@/lib/numbers/operations/verify';
import { refreshAccountOperation } from '@/lib/accounts/refresh';
import { offboardOperation } from '@/lib/accounts/offboard';
import { onboardingOperation } from '@/lib/onboarding/operation';
import { finishOnboardingOperation } from '@/lib/partner-wabas/finish-operation';
import type { Operation, StepDefinition } from '@/lib/operations/types';

// Every operation the runner knows, by name. Adding an operation: its file, and one line here.
const operations: readonly Operation[] = [
  onboardingOperation,
  bulkAccountsOperation,
  addPhoneNumberOperation,
  sendCodeOperation,
  verifyPhoneNumberOperation,
  registerPhoneNumberOperation,
  deregisterPhoneNumberOperation,
  changePinOperation,
  finishOnboardingOperation,
  refreshAccountOperation,
  offboardOperation,
];

const byName = new Map(operations.map((operation) => [operation.name, operation]));

export function operationNamed(name: string): Operation {
  const operation = byName.get(name);
  if (!operation) throw new Error(`Unknown operation "${name}"`);
  return operation;
}

/** `register_phone` → `register_phone`; `refresh:1234` → `refresh` (a keyed instance). */
export function baseName(stepRow: string): string {
  const colon = stepRow.indexOf(':');
  return colon === -1 ? stepRow : stepRow.slice(0, colon);
}

export function keyOf(stepRow: string): string | null {
  const colon = stepRow.indexOf(':');
  return colon === -1 ? null : stepRow.slice(colon + 1);
}

export function stepDefinition(operation: Operation, stepRow: string): StepDefinition<unknown, unknown> | undefined {
  const name = baseName(stepRow);
  return operation.steps.find((step) => step.name === name);
}

export type PlannedStep = { name: string; dependsOn: string[] };

/** The step rows a run of `plan` needs, in the operation's order, each with the rows it waits for. */
export function planRun(operation: Operation, plan: unknown): PlannedStep[] {
  const rows: string[] = [];
  for (const step of operation.steps) {
    if (step.needed && !step.needed(plan)) continue;
    const keys = operation.keysOf?.(plan, step);
    if (keys) rows.push(...keys.map((key) => `${step.name}:${key}`));
    else rows.push(step.name);
  }
  return rows.map((name) => ({ name, dependsOn: dependenciesIn(operation, name, rows) }));
}

/**
 * The rows `stepRow` waits for among the run's rows: each `after` step that the run includes; for a
 * keyed step, the instance with the same key when there is one, else every instance.
 */
export function dependenciesIn(operation: Operation, stepRow: string, rows: readonly string[]): string[] {
  const declared = stepDefinition(operation, stepRow)?.after ?? [];
  if (declared === 'all') return rows.filter((row) => row !== stepRow && stepDefinition(operation, row)?.after !== 'all');
  const after = declared;
  const key = keyOf(stepRow);
  const out: string[] = [];
  for (const dependency of after) {
    if (key !== null && rows.includes(`${dependency}:${key}`)) {
      out.push(`${dependency}:${key}`);
      continue;
    }
    out.push(...rows.filter((row) => baseName(row) === dependency));
  }
  return out;
}

/** A failure the person can act on: staff actions show its message as is (lib/staff-action.ts). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

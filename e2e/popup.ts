import { expect, type Page } from '@playwright/test';

// Drives the sandbox's Embedded Signup popup, screen by screen, as a customer would.

export type PopupStep = 'login' | 'business' | 'waba' | 'phone' | 'verify' | 'profile' | 'permissions' | 'success';

export type PopupChoices = {
  /** A sandbox person id (the scenario's people), default Alex Rivera. */
  person?: string;
  /** A business portfolio id, default Acme Ltd. */
  business?: string;
  /** A WABA id to share, or 'new'. */
  waba?: string;
  /** An existing phone number id, or a new number (default: a fresh one). */
  phone?: string;
  displayName?: string;
};

async function check(popup: Page, value: string) {
  await popup.check(`input[name=choice][value="${value}"]`);
}

/** Walks the popup forward until `target` is on screen; returns the screens seen, in order. */
export async function advanceTo(popup: Page, target: PopupStep, choices: PopupChoices = {}): Promise<PopupStep[]> {
  const seen: PopupStep[] = [];
  for (;;) {
    const step = (await popup.locator('body').getAttribute('data-step')) as PopupStep | 'error' | null;
    if (step !== null && step !== 'error') seen.push(step);
    if (step === target) return seen;
    if (step === 'error' || step === 'success' || step === null) {
      throw new Error(`the popup is on ${step ?? 'no'} screen, expected ${target}`);
    }
    switch (step) {
      case 'login':
        await check(popup, choices.person ?? '8000000000000001');
        break;
      case 'business':
        await check(popup, choices.business ?? '2100000000000001');
        break;
      case 'waba':
        await check(popup, choices.waba ?? 'new');
        break;
      case 'phone':
        if (choices.phone) await check(popup, choices.phone);
        else if (await popup.locator('#phone-number').count()) await popup.fill('#phone-number', `555${String(Date.now()).slice(-7)}`);
        break;
      case 'verify': {
        const shown = await popup.locator('#sms, #app-code').first().textContent();
        await popup.fill('#code', (shown ?? '').replace(/\D/g, ''));
        break;
      }
      case 'profile':
        await popup.fill('#display-name', choices.displayName ?? 'Acme Support');
        break;
      default:
        break;
    }
    await popup.click('#next');
    await expect(popup.locator('body')).not.toHaveAttribute('data-step', step);
  }
}

/** Clicks a control that closes the popup (the click can race the window going away). */
export async function clickAndClose(popup: Page, selector: string): Promise<void> {
  await Promise.all([popup.waitForEvent('close'), popup.click(selector, { noWaitAfter: true }).catch(() => undefined)]);
}

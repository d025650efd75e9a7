import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { limitWords, PhoneNumberTable } from '@/app/(staff)/wabas/[id]/phone-number-rows';
import { phoneNumbersOf } from '@/lib/wabas';
import { createCustomer, deliver } from '@/test/webhook-fixtures';

// The WABA page's number rows show Meta's last quality and messaging-limit update in words, read
// from the database the phone_number_quality_update handler writes.

async function qualityCell(wabaRowId: string): Promise<string> {
  const html = renderToStaticMarkup(createElement(PhoneNumberTable, { numbers: await phoneNumbersOf(wabaRowId) }));
  const cell = /data-testid="number-quality">(.*?)<\/td>/.exec(html)?.[1] ?? '';
  return cell
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('phone number rows on the WhatsApp account page', () => {
  it("show the number's quality event and messaging limit in words, and follow new updates", async () => {
    const c = await createCustomer();
    expect(await qualityCell(c.waba.id)).toBe('—');
    const quality = (event: string, limit: string) => ({
      field: 'phone_number_quality_update',
      value: { display_phone_number: c.displayDigits, event, max_daily_conversations_per_business: limit },
    });
    await deliver(c.waba.metaWabaId, [quality('UPGRADE', 'TIER_10K')], 1767225600);
    expect(await qualityCell(c.waba.id)).toBe('Quality: upgraded; limit: 10K conversations/day');
    await deliver(c.waba.metaWabaId, [quality('FLAGGED', 'TIER_250')], 1767225700);
    expect(await qualityCell(c.waba.id)).toBe('Quality: flagged for low quality; limit: 250 conversations/day');
  });

  it('reads both ways Meta writes a limit', () => {
    expect(['TIER_2K', '2000', 'TIER_100K', '-1', 'TIER_UNLIMITED', 'TIER_NOT_SET', '250'].map(limitWords)).toEqual([
      '2K conversations/day',
      '2K conversations/day',
      '100K conversations/day',
      'unlimited',
      'unlimited',
      'not set yet',
      '250 conversations/day',
    ]);
  });
});

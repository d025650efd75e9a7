import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { messageTemplates } from '@/lib/db/schema';
import { deliver, metaId } from '@/test/webhook-fixtures';

const t0 = 1767225600;

function identity(templateId: number) {
  return { message_template_id: templateId, message_template_name: 'order_update', message_template_language: 'en_US' };
}

function status(templateId: number, event: string, extra: Record<string, unknown> = {}) {
  return { field: 'message_template_status_update', value: { event, ...identity(templateId), reason: 'NONE', message_template_category: 'UTILITY', ...extra } };
}

async function template(wabaId: string, templateId: number) {
  const [row] = await db()
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.wabaId, wabaId), eq(messageTemplates.templateId, String(templateId))));
  return row;
}

describe('template fields', () => {
  it('stores status, quality, category and components updates under the numeric id as text', async () => {
    const wabaId = metaId('2');
    const id = 1689556908129835;
    const events = await deliver(
      wabaId,
      [
        status(id, 'REJECTED', {
          reason: 'INVALID_FORMAT',
          rejection_info: { reason: 'Parameters are adjacent without text between them.', recommendation: 'Put descriptive text between parameters.' },
        }),
      ],
      t0,
    );
    expect(events[0]!.status).toBe('processed');
    expect(await template(wabaId, id)).toMatchObject({
      name: 'order_update',
      language: 'en_US',
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
      category: 'UTILITY',
    });

    await deliver(wabaId, [status(id, 'APPROVED')], t0 + 10);
    await deliver(
      wabaId,
      [{ field: 'message_template_quality_update', value: { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', ...identity(id) } }],
      t0 + 20,
    );
    await deliver(
      wabaId,
      [{ field: 'template_category_update', value: { ...identity(id), previous_category: 'UTILITY', new_category: 'MARKETING' } }],
      t0 + 30,
    );
    await deliver(
      wabaId,
      [
        {
          field: 'template_category_update',
          value: { ...identity(id), correct_category: 'UTILITY', new_category: 'AUTHENTICATION', category_update_timestamp: t0 + 86400 },
        },
      ],
      t0 + 40,
    );
    const components = await deliver(
      wabaId,
      [{ field: 'message_template_components_update', value: { ...identity(id), message_template_element: 'Your order {{1}} is on its way.' } }],
      t0 + 50,
    );
    expect(components[0]!.status).toBe('processed');
    const row = await template(wabaId, id);
    expect(row).toMatchObject({ status: 'APPROVED', reason: null, qualityScore: 'YELLOW', category: 'MARKETING' });
    expect(row!.eventAt?.toISOString()).toBe(new Date((t0 + 50) * 1000).toISOString());
  });

  it('keeps the newest status and quality when updates arrive out of order', async () => {
    const wabaId = metaId('2');
    const id = 1689556908129836;
    await deliver(wabaId, [status(id, 'PAUSED')], t0 + 100);
    await deliver(wabaId, [{ field: 'message_template_quality_update', value: { new_quality_score: 'RED', ...identity(id) } }], t0 + 100);
    await deliver(wabaId, [status(id, 'APPROVED')], t0 + 50);
    await deliver(wabaId, [{ field: 'message_template_quality_update', value: { new_quality_score: 'GREEN', ...identity(id) } }], t0 + 50);
    expect(await template(wabaId, id)).toMatchObject({ status: 'PAUSED', qualityScore: 'RED' });
  });

  it('lets an older change fill what is still unknown', async () => {
    const wabaId = metaId('2');
    const id = 1689556908129837;
    await deliver(wabaId, [{ field: 'message_template_quality_update', value: { new_quality_score: 'GREEN', message_template_id: id } }], t0 + 100);
    await deliver(wabaId, [status(id, 'APPROVED')], t0);
    expect(await template(wabaId, id)).toMatchObject({ status: 'APPROVED', qualityScore: 'GREEN', name: 'order_update' });
  });

  it('fails a change without a template id', async () => {
    const [event] = await deliver(metaId('2'), [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }], t0);
    expect(event!.status).toBe('failed');
    expect(event!.lastError).toMatch(/message_template_id/);
  });
});

import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { phoneNumbers, type Waba } from '@/lib/db/schema';
import type { AuditContext, GraphToken } from '@/lib/meta/graph';
import { getPhoneNumber, phoneNumberDetailFields, type PhoneNumber as MetaPhoneNumber } from '@/lib/meta/phone-numbers';
import { savePhoneNumbers } from '@/lib/onboarding/records';

// Meta's full read of one number, written to its row (the columns every page uses, through the
// onboarding's mapping) and kept whole for the number page.

export async function saveNumberRead(waba: Pick<Waba, 'id'>, read: MetaPhoneNumber): Promise<string> {
  return db().transaction(async (tx) => {
    const ids = await savePhoneNumbers(tx, waba.id, [read]);
    const id = ids.get(read.id)!;
    const registered = read.platform_type === 'CLOUD_API' && read.status === 'CONNECTED';
    const [row] = await tx.select({ registeredAt: phoneNumbers.registeredAt }).from(phoneNumbers).where(eq(phoneNumbers.id, id));
    await tx
      .update(phoneNumbers)
      .set({
        lastRead: read as Record<string, unknown>,
        // Registered elsewhere (WhatsApp Manager, another run) or deregistered: follow Meta.
        registeredAt: registered ? (row?.registeredAt ?? new Date()) : null,
      })
      .where(eq(phoneNumbers.id, id));
    return id;
  });
}

/** Reads the number from Meta with every field the number page shows, and stores it. */
export async function readAndSaveNumber(
  waba: Pick<Waba, 'id'>,
  metaPhoneNumberId: string,
  token: GraphToken,
  audit: AuditContext = {},
): Promise<MetaPhoneNumber> {
  const read = await getPhoneNumber(metaPhoneNumberId, token, audit, phoneNumberDetailFields);
  await saveNumberRead(waba, read);
  return read;
}

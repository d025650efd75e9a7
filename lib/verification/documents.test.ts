import { describe, expect, it } from 'vitest';
import { checkUploadedDocuments } from '@/lib/verification/documents';
import { damagedPdf, fileOf, minimalPdf, notAPdf, oversizedPdf, tinyPng } from '@/test/document-fixtures';

// Documents for partner-led business verification are checked by their bytes before Meta sees them.

describe('verification documents', () => {
  it('accepts PDFs and PNGs by their content, counting PDF pages', async () => {
    const docs = await checkUploadedDocuments([fileOf('certificate.pdf', minimalPdf(3), 'application/pdf'), fileOf('bill', tinyPng)]);
    expect(docs.map((d) => [d.name, d.type, d.pages])).toEqual([
      ['certificate.pdf', 'application/pdf', 3],
      ['bill', 'image/png', undefined],
    ]);
  });

  it('refuses a text file named like a PDF, naming the file', async () => {
    await expect(checkUploadedDocuments([fileOf('registration.pdf', notAPdf, 'application/pdf')])).rejects.toMatchObject({
      message: 'registration.pdf is not a PDF, JPEG or PNG file (whatever its name says): Meta accepts only those.',
      fieldErrors: { documents: [expect.stringContaining('registration.pdf')] },
    });
  });

  it('refuses a file over 5 MB', async () => {
    await expect(checkUploadedDocuments([fileOf('scan.pdf', oversizedPdf())])).rejects.toThrow('scan.pdf is 5.0 MB: Meta accepts at most 5 MB per document.');
  });

  it('refuses a damaged PDF, more than 3 files, and no file at all', async () => {
    await expect(checkUploadedDocuments([fileOf('cut.pdf', damagedPdf)])).rejects.toThrow(/cut\.pdf cannot be opened as a PDF/);
    const four = Array.from({ length: 4 }, (_, i) => fileOf(`doc${i}.png`, tinyPng));
    await expect(checkUploadedDocuments(four)).rejects.toThrow('Meta accepts at most 3 documents per submission; you chose 4.');
    await expect(checkUploadedDocuments([fileOf('', new Uint8Array())])).rejects.toThrow('Choose 1 to 3 documents to submit.');
  });
});

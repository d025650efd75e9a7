import { fileTypeFromBuffer } from 'file-type';
import { checkDocuments, verificationDocumentTypes, type VerificationDocument } from '@/lib/meta/business-verification';
import { UserError } from '@/lib/user-error';

// The documents staff upload for partner-led business verification (docs/meta/business-verification.md):
// 1 to 3 files, PDF, JPEG/JPG or PNG, at most 5 MB each. Checked here on the server, by their bytes
// rather than their names, because each rejected submission uses one of the customer's three
// attempts (Meta rejects unreadable files as MALFORMED_DOCUMENTS). They stay in memory for the
// request only and are never written anywhere.

export const maxDocuments = 3;
export const maxDocumentBytes = 5 * 1024 * 1024;

export type CheckedDocument = VerificationDocument & { size: number; pages?: number };

type DocumentType = (typeof verificationDocumentTypes)[number];

function fail(message: string): never {
  throw new UserError(message, { documents: [message] });
}

/** The type the bytes say, or undefined when they are none of the accepted ones. */
async function typeOf(bytes: Uint8Array): Promise<DocumentType | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  return verificationDocumentTypes.find((type) => type === detected?.mime);
}

/** Pages of a PDF, or a refusal when it cannot be read as one (damaged, or protected by a password). */
async function pdfPages(name: string, bytes: Uint8Array): Promise<number> {
  // unpdf ships Mozilla's PDF.js built for servers (no worker, no canvas); it is loaded only when needed.
  const { getDocumentProxy } = await import('unpdf');
  try {
    // PDF.js takes ownership of the buffer it reads: give it a copy, the original goes to Meta.
    const pdf = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
    return pdf.numPages;
  } catch (error) {
    const reason = error instanceof Error && error.name === 'PasswordException' ? 'is protected by a password' : 'cannot be opened as a PDF (it looks damaged)';
    fail(`${name} ${reason}: Meta could not read it either. Export it again without a password and upload that file.`);
  }
}

/** Checks the uploaded files and returns them ready for Meta; bad files get a plain refusal naming the file. */
export async function checkUploadedDocuments(files: readonly File[]): Promise<CheckedDocument[]> {
  const given = files.filter((file) => file.size > 0 || file.name !== '');
  if (given.length === 0) fail('Choose 1 to 3 documents to submit.');
  if (given.length > maxDocuments) fail(`Meta accepts at most ${maxDocuments} documents per submission; you chose ${given.length}.`);
  const documents: CheckedDocument[] = [];
  for (const file of given) {
    const name = file.name || 'A document';
    if (file.size === 0) fail(`${name} is empty.`);
    if (file.size > maxDocumentBytes) fail(`${name} is ${(file.size / 1024 / 1024).toFixed(1)} MB: Meta accepts at most 5 MB per document.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = await typeOf(bytes);
    if (!type) fail(`${name} is not a PDF, JPEG or PNG file (whatever its name says): Meta accepts only those.`);
    const pages = type === 'application/pdf' ? await pdfPages(name, bytes) : undefined;
    if (pages === 0) fail(`${name} has no pages.`);
    documents.push({ name, type, data: bytes, size: bytes.byteLength, ...(pages !== undefined && { pages }) });
  }
  try {
    checkDocuments(documents);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  return documents;
}

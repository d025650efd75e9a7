// Small, valid files for the business verification tests (never imported by app code).

/** A valid PDF with `pages` empty A4-ish pages, built by hand (objects, xref table, trailer). */
export function minimalPdf(pages = 1): Uint8Array {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>'];
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** A 1×1 PNG. */
export const tinyPng = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
);

/** Text pretending to be a PDF by its name only. */
export const notAPdf = new TextEncoder().encode('This is a plain text file, not a scan of a registration certificate.\n');

/** Starts like a PDF but is not one. */
export const damagedPdf = new TextEncoder().encode('%PDF-1.4\nthis file was cut off in the middle of');

/** A PDF padded past 5 MB (a comment after %%EOF keeps it a valid PDF). */
export function oversizedPdf(): Uint8Array {
  const pdf = minimalPdf(1);
  const out = new Uint8Array(5 * 1024 * 1024 + 1024);
  out.set(pdf);
  out.fill(0x20, pdf.length);
  return out;
}

export function fileOf(name: string, bytes: Uint8Array, type = ''): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
}

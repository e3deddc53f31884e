// Reading PDFs back in tests: supertest's parser for a binary body, and the text of every page
// (unpdf, PDF.js underneath, offline), whitespace collapsed so phrases can be matched.
import type { Test } from 'supertest';
import { extractText, getDocumentProxy } from 'unpdf';

/** supertest's parser for a binary body (the response is a Node.js stream). */
export const binary = ((res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}) as unknown as Parameters<Test['parse']>[0];

export async function pdfText(body: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocumentProxy(new Uint8Array(body));
  const { totalPages, text } = await extractText(doc, { mergePages: true });
  return { pages: totalPages, text: text.replace(/\s+/g, ' ') };
}

// report.pdf, drawn with PDFKit: pure JavaScript (no browser or native binary on the server),
// vector text and lines, streamed page by page. The text and figures are those of report.html
// (ReportContent); the built-in Helvetica covers Windows-1252 (Western European names), so
// other characters are shown as "?" rather than as wrong glyphs.
import PDFDocument from 'pdfkit';
import type { Writable } from 'node:stream';
import type { PaperSize } from './dto/report.dto.js';
import { SERIES, type ChartLayout } from './report-chart.js';
import type { ReportContent, Table } from './report-content.js';

const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Text the standard fonts can show: Latin-1 and the Windows-1252 extras; controls become spaces, the rest "?". */
export function pdfText(text: string): string {
  return [...text].map((ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return ' ';
    if (code <= 0xff || CP1252_EXTRA.has(ch)) return ch;
    if (code === 0x2212) return '-'; // minus sign
    if (code === 0x2192) return '->';
    if (code >= 0x200b && code <= 0x200f || code >= 0x202a && code <= 0x202e || code >= 0x2066 && code <= 0x2069) return '';
    return '?';
  }).join('');
}

const MARGIN = 48;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const GREY = '#333333';

type Doc = PDFKit.PDFDocument;

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN;
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureRoom(doc, 60);
  doc.moveDown(0.8).font(BOLD).fontSize(13).fillColor('#000').text(pdfText(text), MARGIN, doc.y);
  const y = doc.y + 1;
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.75).strokeColor('#999999').stroke();
  doc.moveDown(0.4);
}

function paragraph(doc: Doc, text: string, size = 10, color = '#000'): void {
  doc.font(FONT).fontSize(size).fillColor(color).text(pdfText(text), MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
}

/** A table with wrapped cells; rows never split across pages, and the header repeats on each. */
function table(doc: Doc, t: Table, weights: number[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const pad = 3;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(9);
    return Math.max(...cells.map((c, i) => doc.heightOfString(pdfText(c), { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, line: number) => {
    const h = rowHeight(cells, font);
    let x = MARGIN;
    const y = doc.y;
    doc.font(font).fontSize(9).fillColor('#000');
    cells.forEach((c, i) => {
      doc.text(pdfText(c), x + pad, y + pad, { width: widths[i] - 2 * pad, align: t.numeric.includes(i) ? 'right' : 'left' });
      x += widths[i];
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).lineWidth(line).strokeColor(line > 1 ? '#000000' : '#bbbbbb').stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  ensureRoom(doc, rowHeight(t.headers, BOLD) + (t.rows[0] ? rowHeight(t.rows[0], FONT) : 0));
  drawRow(t.headers, BOLD, 1.25);
  for (const row of t.rows) {
    if (doc.y + rowHeight(row, FONT) > bottom(doc)) {
      doc.addPage();
      drawRow(t.headers, BOLD, 1.25);
    }
    drawRow(row, FONT, 0.5);
  }
  doc.moveDown(0.5);
}

function chart(doc: Doc, layout: ChartLayout, scale: number): void {
  const ox = MARGIN;
  const oy = doc.y;
  const X = (x: number) => ox + x * scale;
  const Y = (y: number) => oy + y * scale;
  const { plot } = layout;
  doc.save();
  doc.font(FONT).fontSize(8).fillColor(GREY);
  for (const t of layout.yTicks) {
    doc.moveTo(X(plot.left), Y(t.y)).lineTo(X(plot.right), Y(t.y)).lineWidth(0.5).strokeColor('#d4d4d4').undash().stroke();
    doc.text(t.label, X(0), Y(t.y) - 4, { width: X(plot.left) - X(0) - 5, align: 'right', lineBreak: false });
  }
  for (const t of layout.xTicks) {
    doc.moveTo(X(t.x), Y(plot.bottom)).lineTo(X(t.x), Y(plot.bottom) + 3).lineWidth(0.5).strokeColor('#333333').stroke();
    const near = t.x > layout.width - 30 ? 'right' : 'center';
    doc.text(pdfText(t.label), X(t.x) - (near === 'right' ? 60 : 30), Y(plot.bottom) + 6, { width: 60, align: near, lineBreak: false });
  }
  doc.moveTo(X(plot.left), Y(plot.bottom)).lineTo(X(plot.right), Y(plot.bottom)).lineWidth(0.75).strokeColor('#333333').stroke();
  for (const s of layout.series) {
    const pts = s.points.map((p) => [X(p.x), Y(p.y)] as const);
    if (pts.length > 1) {
      doc.moveTo(pts[0][0], pts[0][1]);
      for (const [x, y] of pts.slice(1)) doc.lineTo(x, y);
      if (s.style.dash.length) doc.dash(s.style.dash[0] * scale, { space: s.style.dash[1] * scale });
      else doc.undash();
      doc.lineWidth(s.style.width * scale).strokeColor(s.style.color).stroke();
      doc.undash();
    }
    for (const [x, y] of pts) {
      if (s.style.marker === 'circle') doc.circle(x, y, 3 * scale).fillColor(s.style.color).fill();
      else if (s.style.marker === 'square') doc.rect(x - 3 * scale, y - 3 * scale, 6 * scale, 6 * scale).lineWidth(1.25 * scale).fillAndStroke('#ffffff', s.style.color);
      else doc.polygon([x, y - 4 * scale], [x + 3.5 * scale, y + 2.5 * scale], [x - 3.5 * scale, y + 2.5 * scale]).fillColor(s.style.color).fill();
    }
  }
  doc.restore();
  doc.x = MARGIN;
  doc.y = oy + layout.height * scale + 4;
}

function legend(doc: Doc, labels: string[]): void {
  let x = MARGIN;
  const y = doc.y + 4;
  doc.font(FONT).fontSize(9).fillColor('#000');
  for (const s of Object.values(SERIES).filter((v) => labels.includes(v.label))) {
    doc.moveTo(x, y + 4).lineTo(x + 26, y + 4).lineWidth(s.width).strokeColor(s.color);
    if (s.dash.length) doc.dash(s.dash[0], { space: s.dash[1] });
    doc.stroke().undash();
    doc.text(s.label, x + 30, y, { lineBreak: false });
    x += 40 + doc.widthOfString(s.label);
  }
  doc.x = MARGIN;
  doc.y = y + 14;
}

/** Writes the report to `out` and resolves once the last byte is handed over. */
export function writeReportPdf(c: ReportContent, paper: PaperSize, out: Writable): Promise<void> {
  const doc = new PDFDocument({
    size: paper === 'letter' ? 'LETTER' : 'A4', margin: MARGIN, bufferPages: false,
    info: { Title: pdfText(`${c.title} (${c.period})`), Author: pdfText(c.preparedBy), Creator: 'BillingOne Reconcile' },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    out.on('close', resolve); // the caller hung up: nothing more to send
  });
  doc.pipe(out);
  const width = doc.page.width - 2 * MARGIN;

  doc.font(BOLD).fontSize(18).fillColor('#000').text(pdfText(c.title), MARGIN, MARGIN, { width });
  doc.moveDown(0.2);
  paragraph(doc, `Period: ${c.period}    Prepared by: ${c.preparedBy}    Produced: ${c.produced}`, 10, GREY);
  paragraph(doc, c.asOf, 9, GREY);
  doc.moveTo(MARGIN, doc.y + 4).lineTo(MARGIN + width, doc.y + 4).lineWidth(1.5).strokeColor('#000000').stroke();
  doc.y += 6;

  heading(doc, 'Totals');
  table(doc, { headers: ['Figure', 'Value'], numeric: [], rows: c.totals }, [3, 4]);

  heading(doc, 'Products');
  if (c.products.rows.length) table(doc, c.products, c.products.headers.map((_, i) => (i === 0 ? 3.2 : i === c.products.headers.indexOf('Status') ? 1.6 : 1.2)));
  else paragraph(doc, 'No per-device product line.');

  heading(doc, 'Devices and licences over the period');
  const labels = [...new Set(c.charts.flatMap((ch) => ch.layout.series.map((s) => s.style.label)))];
  if (c.charts.length) legend(doc, labels);
  else paragraph(doc, 'This client has no per-device product line.');
  for (const ch of c.charts) {
    const scale = width / ch.layout.width;
    ensureRoom(doc, ch.layout.height * scale + 60);
    doc.font(BOLD).fontSize(11).fillColor('#000').text(pdfText(ch.productName), MARGIN, doc.y, { width });
    chart(doc, ch.layout, scale);
    paragraph(doc, ch.description, 8.5, GREY);
    doc.moveDown(0.6);
  }

  heading(doc, 'Current gaps');
  if (c.gaps.rows.length) table(doc, c.gaps, [2.4, 1.4, 1, 1.3, 4]);
  else paragraph(doc, 'No gaps: licences match billable devices.');

  heading(doc, 'What changed in the period');
  paragraph(doc, c.changes.summary);
  doc.moveDown(0.3);
  if (c.changes.table) table(doc, c.changes.table, [3, 1.5, 1.5, 1]);

  heading(doc, 'Actions and exceptions in the period');
  if (c.activity.table.rows.length) table(doc, c.activity.table, [1.6, 5, 1.8]);
  else paragraph(doc, 'Nothing was changed for this client in the period.');
  if (c.activity.note) paragraph(doc, c.activity.note, 9, GREY);

  doc.moveDown(1);
  paragraph(doc, 'BillingOne Reconcile. Devices are PanelOne devices that pass the counting rules; licences are Pax8 subscriptions of per-device products in a licensed status. Money is per month, in USD.', 8, GREY);
  doc.end();
  return done;
}

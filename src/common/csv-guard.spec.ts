import { FORMULA_PATTERN, safeText } from './csv-guard.js';

describe('CSV formula guard', () => {
  it.each(['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '\n=1', '\u000b=1', ';=1+1', ',=1+1', ' =1', '\u00a0=1', '\ufeff=1', '\u200b=1',
    '\u202e=1', '\uff1d1+1', '\uff0b1', '\uff0d1', '\uff20SUM(A1)', '\ufe661', '\u22121', 'cmd|\' /C calc\'!A0', 'x=1;cmd|\'/c calc\'!A1', '"=1'])('guards %j', (cell) => {
    expect(safeText(cell)).toBe(`'${cell}`);
  });
  it.each(['Acme Ltd', 'Tab\there', 'A - B', 'a+b', 'me@example.com', '🚀 Labs', 'شركة', 'Acme | Best!', "'=already text", ''])('leaves %j alone', (cell) => {
    expect(safeText(cell)).toBe(cell);
  });
  it('treats null as an empty cell', () => expect(safeText(null)).toBe(''));
  it('is one pattern PostgreSQL reads too (no JavaScript-only syntax)', () => expect(FORMULA_PATTERN.source).not.toMatch(/\\p\{|\(\?[<=!]/));
});

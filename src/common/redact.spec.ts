import { exceedsDepth } from './json-depth.js';
import { redactText, redactUrl, scrubSecrets } from './redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl';
const KEY = `b1r_ZGVtbw_${'Z'.repeat(43)}`;

describe('redaction patterns', () => {
  it.each([
    [`/api/v1/health?api_key=${KEY}&limit=5`, '/api/v1/health?api_key=[redacted]&limit=5'],
    [`/x?access_token=${JWT}`, '/x?access_token=[redacted]'],
    ['/x?client_secret=s3&password=p&x-auth=a&refreshToken=t', '/x?client_secret=[redacted]&password=[redacted]&x-auth=[redacted]&refreshToken=[redacted]'],
    [`/x?q=${JWT}&next=${KEY}`, '/x?q=[redacted]&next=b1r_[redacted]'],
  ])('redacts %s', (url, expected) => expect(redactUrl(url)).toBe(expected));
  it('leaves ordinary URLs alone', () => expect(redactUrl('/api/v1/reconciliation/clients?status=under-licensed&limit=50')).toBe('/api/v1/reconciliation/clients?status=under-licensed&limit=50'));
  it('redacts JSON fields, bearer credentials and name: value text', () => {
    expect(redactText('{"client_secret":"abc\\"d","grant_type":"x"}')).toBe('{"client_secret":"[redacted]","grant_type":"x"}');
    expect(redactText('got Bearer abc.def-123 from')).toBe('got Bearer [redacted] from');
    expect(redactText('apiToken: p1-xyz, ok')).toBe('apiToken: [redacted], ok');
  });
  it('keeps the product\'s own error sentences readable', () => {
    const s = 'PanelOne rejected the credentials (GET /api/v2/organizations page 1): Invalid API token. Check the PanelOne credentials on the integrations settings page.';
    expect(redactText(s)).toBe(s);
  });
  it('scrubs known secrets by value, also URL- and JSON-encoded', () => {
    const secret = 'pa ss"wörd/1';
    const text = `raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret).slice(1, -1)}`;
    const out = scrubSecrets(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).toBe('raw [redacted] url [redacted] json [redacted]');
  });
});

describe('JSON depth', () => {
  const nested = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n));
  it('allows 32 levels and refuses 33 and 100,000 without recursion', () => {
    expect(exceedsDepth(nested(32))).toBe(false);
    expect(exceedsDepth(nested(33))).toBe(true);
    expect(exceedsDepth(nested(100_000))).toBe(true);
    expect(exceedsDepth({ a: 1, b: [1, { c: 'x' }] })).toBe(false);
  });
});

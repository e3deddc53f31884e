// StreamJudge's filters: a pair added before is always reported (a repeat or a duplicate is never
// stored as a first sight), and at the sizes the ingest meets few new pairs are reported wrongly
// (each of those costs a lookup at the end, not a wrong verdict).
import { BloomFilter, DEFAULT_FILTER_LOG2_BITS, sightingKey } from './stream-judge.js';

describe('BloomFilter', () => {
  it('reports every key added before, whatever the size', () => {
    for (const log2Bits of [5, 12, DEFAULT_FILTER_LOG2_BITS]) {
      const filter = new BloomFilter(log2Bits);
      const keys = Array.from({ length: 5_000 }, (_, i) => [`org-${i % 37}`, `device-${i}`] as const);
      for (const [org, value] of keys) filter.addAndTest(org, value);
      expect(keys.filter(([org, value]) => !filter.addAndTest(org, value))).toEqual([]);
    }
  });

  it('at the default size, holding 250,000 devices, reports almost no new key as seen', () => {
    const filter = new BloomFilter(DEFAULT_FILTER_LOG2_BITS);
    for (let i = 0; i < 250_000; i++) filter.addAndTest(`org-${i % 2_000}`, `dev-${i}`);
    let wrong = 0;
    for (let i = 250_000; i < 350_000; i++) if (filter.addAndTest(`org-${i % 2_000}`, `dev-${i}`)) wrong++;
    expect(wrong).toBeLessThan(10); // ~1 in a million expected
  });

  it('keeps the organization and the value apart: ("a", "bc") is not ("ab", "c")', () => {
    expect(sightingKey('a', 'bc')).not.toBe(sightingKey('ab', 'c'));
    const filter = new BloomFilter(DEFAULT_FILTER_LOG2_BITS);
    filter.addAndTest('a', 'bc');
    expect(filter.addAndTest('ab', 'c')).toBe(false);
  });

  it('refuses a size outside 2^5 to 2^31 bits', () => {
    expect(() => new BloomFilter(4)).toThrow('log2Bits out of range');
    expect(() => new BloomFilter(32)).toThrow('log2Bits out of range');
  });
});

import { describe, expect, it } from 'vitest';

import { formatCount, formatCountOf, formatRate } from './format';

describe('formatCount', () => {
  it('groups thousands with commas, whatever the browser language', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-4200)).toBe('-4,200');
  });

  it('shows a dash for a count that is not there', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });

  it('names the counted thing, singular for exactly one', () => {
    expect(formatCountOf(1, 'row')).toBe('1 row');
    expect(formatCountOf(0, 'row')).toBe('0 rows');
    expect(formatCountOf(12345, 'card')).toBe('12,345 cards');
    expect(formatCountOf(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('formatRate', () => {
  it('uses the same separators as the counts', () => {
    expect(formatRate(123456.7)).toBe('123,457 rows/s');
    expect(formatRate(47.25)).toBe('47.3 rows/s');
    expect(formatRate(null)).toBe('—');
  });
});

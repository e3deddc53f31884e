// Reading money and seats off the rendered widgets, for the specs that check that every figure
// adds up (against the fixture API and against the demo stack).

/** "$1,234.56" → 123456 cents ("−$5.00" → -500); text without an amount (only "N seats with no price") → 0. */
export function centsIn(text: string | null): number {
  const match = /(−|-)?\$([\d,]+\.\d\d)/.exec(text ?? '');
  return match ? Math.round(Number(match[2].replace(/,/g, '')) * 100) * (match[1] ? -1 : 1) : 0;
}

/** "12 seats with no price" → 12; 0 when the text has none. */
export function seatsIn(text: string | null): number {
  const match = /([\d,]+) seats? with no price/.exec(text ?? '');
  return match ? Number(match[1].replace(/,/g, '')) : 0;
}

export const cents = (amount: number) => Math.round(amount * 100);

/** "7 × $2.88" under an amount: the seats times the unit price, in cents. */
export function unitTimesSeatsInCents(unit: string): number {
  const [, seats, price] = /([\d,]+) × \$([\d,.]+)/.exec(unit)!;
  return Number(seats.replace(/,/g, '')) * Math.round(Number(price.replace(/,/g, '')) * 100);
}

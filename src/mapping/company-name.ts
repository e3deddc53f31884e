// Normalised company names for mapping suggestions: "Acme, Inc." and "ACME Inc" and "acme"
// all become "acme". Legal suffixes are stripped from the end only, repeatedly
// ("Acme Holdings Pty Ltd" -> "acme holdings").
const LEGAL_SUFFIXES = new Set(['inc', 'llc', 'ltd', 'limited', 'gmbh', 'corp', 'corporation', 'co', 'plc', 'pty', 'sa', 'ag', 'bv']);

export function normaliseCompanyName(name: string | null | undefined): string {
  const words = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.'\u2019]/g, '') // "S.A." -> "sa", "O'Brien" -> "obrien"
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
  return words.join(' ');
}

// Which Pax8 products look like per-device licences, by name, when an admin has not decided.
// The catalog page shows this as the suggestion; pricing is fetched for these products.
const PER_DEVICE_PATTERN = /\b(endpoint|edr|antivirus|anti-virus|backup|rmm|device|per-device|workstation|server)s?\b/i;

export function suggestPerDevice(name: string | null | undefined): boolean {
  return typeof name === 'string' && PER_DEVICE_PATTERN.test(name);
}

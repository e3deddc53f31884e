// Which Pax8 products look like per-device licences, from their names. Only a suggestion:
// an admin confirms or overrides it per product (product_setting.per_device).
const PER_DEVICE_WORDS = /(^|[^a-z0-9])(endpoint|edr|antivirus|anti-virus|backup|rmm|device|per-device|workstation|server)s?($|[^a-z0-9])/i;

export function suggestPerDevice(productName: string | null | undefined): boolean {
  return !!productName && PER_DEVICE_WORDS.test(productName);
}

// Which Pax8 products look like per-device licences, by name, when an admin has not decided.
// The catalog page shows this as the suggestion; pricing is fetched for these products.
// Generic words first, then endpoint-security product families whose names say neither
// "endpoint" nor "device"; per-user and mail products are never suggested.
const PER_DEVICE = /\b(endpoint|edr|xdr|mdr|antivirus|anti-virus|backup|rmm|device|per-device|workstation|server|security|sentinelone|singularity|gravityzone|crowdstrike|falcon|intercept x)s?\b/i;
const NOT_PER_DEVICE = /\b(per[- ]user|users?|e-?mail|mailbox|microsoft 365|office 365|exchange)\b/i;

export function suggestPerDevice(name: string | null | undefined): boolean {
  return typeof name === 'string' && PER_DEVICE.test(name) && !NOT_PER_DEVICE.test(name);
}

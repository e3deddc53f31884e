import { normaliseCompanyName } from './company-name.js';
import { suggestPerDevice } from '../integrations/per-device.js';

describe('name normalisation and per-device suggestions', () => {
  it.each([
    ['Acme, Inc.', 'acme'], ['ACME Inc', 'acme'], ['acme', 'acme'], ['Müller GmbH', 'muller'], ['Smith & Co', 'smith and'],
    ['Northwind Traders Pty Ltd', 'northwind traders'], ['Contoso S.A.', 'contoso'], ['Fabrikam B.V.', 'fabrikam'], ['Limited', 'limited'],
  ])('%s -> %s', (name, normalised) => expect(normaliseCompanyName(name)).toBe(normalised));

  it.each([
    ['SentinelOne Complete EDR', true], ['Datto Endpoint Backup', true], ['N-able RMM per device', true], ['Windows Server Backup', true],
    ['Webroot Anti-Virus', true], ['Microsoft 365 Business Premium', false], ['Exchange Online (Plan 1)', false], ['Devices Bundle', true],
  ])('%s per-device: %s', (name, expected) => expect(suggestPerDevice(name)).toBe(expected));
});

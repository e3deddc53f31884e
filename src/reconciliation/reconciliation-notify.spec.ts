import { EVERY_TENANT, parseNotification } from './reconciliation-cache.service.js';

describe('reconciliation NOTIFY payloads', () => {
  it('names the tenant of {"tenant": id}, even one called "*"', () => {
    expect(parseNotification('{"tenant":"demo-msp"}')).toBe('demo-msp');
    expect(parseNotification('{"tenant":"*"}')).toBe('*');
  });
  it.each(['{"all":true}', '*', 'demo-msp', '', undefined, '{"tenant":5}', '[]', 'null', '{"tenant":"a","all":true}'])('drops everything for %j', (payload) => {
    expect(parseNotification(payload)).toBe(EVERY_TENANT);
  });
});

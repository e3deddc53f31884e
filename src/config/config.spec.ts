import { ConfigurationError, validateEnvironment } from './config.js';

const valid = { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), PANELONE_JWT_SECRET: 'x'.repeat(32) };

describe('configuration', () => {
  it('accepts a valid environment with defaults', () => {
    const config = validateEnvironment({ ...valid, PANELONE_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.PORT).toBe(3000);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ ...valid, ENCRYPTION_KEY: undefined }, /ENCRYPTION_KEY is required/],
    [{ ...valid, ENCRYPTION_KEY: 'c2hvcnQ=' }, /ENCRYPTION_KEY must be 32 bytes/],
    [{ ...valid, PANELONE_JWT_SECRET: undefined }, /PANELONE_JWT_SECRET or PANELONE_JWKS_URL must be set/],
    [{ ...valid, PANELONE_JWT_SECRET: 'short' }, /PANELONE_JWT_SECRET must be at least 32 characters/],
    [{ ...valid, PORT: 'eighty' }, /PORT must be an integer/],
    [{ ...valid, DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ ...valid, PANELONE_JWKS_URL: 'ftp://x' }, /PANELONE_JWKS_URL must be an http/],
  ])('refuses a bad environment naming the variable (%#)', (env, message) => {
    expect(() => validateEnvironment(env as Record<string, unknown>)).toThrow(ConfigurationError);
    expect(() => validateEnvironment(env as Record<string, unknown>)).toThrow(message);
  });
});

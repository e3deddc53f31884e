import { existsSync } from 'node:fs';

/** Loads ./.env when present (variables already set win), so a newcomer can copy .env.example. */
export function loadDotEnv(path = '.env'): void {
  if (!existsSync(path)) return;
  const before = { ...process.env };
  process.loadEnvFile(path);
  Object.assign(process.env, before);
}

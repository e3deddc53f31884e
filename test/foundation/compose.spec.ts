// No Docker engine runs on these machines, so the compose file is checked by parsing it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'));

  it('runs PostgreSQL, the API and the worker from the project Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'worker']);
    expect(compose.services.api.build).toBe('.');
    expect(compose.services.api.command).toEqual(['node', 'dist/src/main.js']);
    // The worker runs with the heap limits of npm run start:worker (docs/operations.md, "Memory").
    const startWorker = JSON.parse(readFileSync('package.json', 'utf8')).scripts['start:worker'] as string;
    expect(compose.services.worker.command).toEqual(startWorker.split(' '));
    expect(startWorker).toBe('node --max-semi-space-size=8 --max-old-space-size=192 dist/src/worker.js');
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/npm run build/);
  });

  it('points both at the compose PostgreSQL and requires the secrets from the environment', () => {
    for (const name of ['api', 'worker']) {
      const env = compose.services[name].environment;
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.PANELONE_JWT_SECRET).toMatch(/^\$\{PANELONE_JWT_SECRET:\?/);
      expect(env.ENCRYPTION_KEY).toMatch(/^\$\{ENCRYPTION_KEY:\?/);
      expect(compose.services[name].depends_on.postgres.condition).toBe('service_healthy');
    }
  });
});

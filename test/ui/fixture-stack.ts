// The fixture API and one Chromium for a spec file: started before its tests, closed after,
// and (unless told otherwise) the fixture data reset before each test.
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { FixtureApi } from './fixture-api.js';

export interface FixtureStack {
  api: FixtureApi;
  browser: Browser;
}

export function useFixtureStack(options: { resetEachTest?: boolean } = {}): FixtureStack {
  const stack = {} as FixtureStack;
  beforeAll(async () => {
    stack.api = new FixtureApi();
    await stack.api.start();
    stack.browser = await launchBrowser();
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.api?.stop();
  });
  if (options.resetEachTest ?? true) beforeEach(() => stack.api.reset());
  return stack;
}

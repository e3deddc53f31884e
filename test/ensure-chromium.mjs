// `npm test` runs this first: the browser tests drive Debian's Chromium (never a downloaded
// browser). On a fresh Debian machine as root it installs the package; elsewhere it says how.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`Chromium not found at ${path}; installing Debian's chromium package for the browser tests…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (!existsSync(path)) {
      console.error(`Installed chromium, but nothing is at ${path}; check CHROMIUM_PATH.`);
      process.exit(1);
    }
  } else {
    console.error(`The browser tests need Chromium at ${path}: install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
}

// Runs before `npm test`: the browser tests drive Debian's Chromium (never a downloaded browser).
// On a fresh Debian machine as root it installs the package; elsewhere it says what to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    console.log("Installing Debian's chromium for the browser tests…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } else {
    console.error(`The browser tests need Chromium at ${CHROMIUM}: run "sudo apt-get install -y chromium".`);
    process.exit(1);
  }
}

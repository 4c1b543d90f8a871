import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, headless; never a downloaded browser. Used by the screenshots script and the browser tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.UNDERSTUDY_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Headless Chromium for the dashboard tests: Debian's `chromium` (installed by .ci/run) driven by
// playwright-core, which downloads no browser of its own. Tests skip with the reason when it is not
// installed. Pixels of a screenshot are read back by the browser itself (an <img> drawn on a canvas),
// so no image library is needed.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.BOREAS_CHROMIUM ?? '/usr/bin/chromium';

/** A headless browser closed when the test ends; undefined (test skipped) without Chromium. */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(chromiumPath)) {
    t.skip(`${chromiumPath} is not installed (apt-get install chromium)`);
    return undefined;
  }
  // playwright-core gives the browser a fresh temporary profile and removes it on close.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.after(() => browser.close());
  return browser;
}

/** [r, g, b] of each pixel (x, y) of a PNG screenshot. */
export async function pixelsAt(browser: Browser, png: Buffer, points: Array<[number, number]>): Promise<Array<[number, number, number]>> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ({ data, at }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const g = canvas.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return at.map(([x, y]) => {
          const d = g.getImageData(x, y, 1, 1).data;
          return [d[0], d[1], d[2]] as [number, number, number];
        });
      },
      { data: png.toString('base64'), at: points },
    );
  } finally {
    await page.close();
  }
}

// Opens pages as a visitor and reports what each shows: its text, dialogs fired, markup
// that an event or a query injected, CSP refusals; shoots each at both widths.
// stdin: {"pages": [{"name": "landing", "url": "..."}], "shots": "<dir>"}
// stdout: {"pages": {"<name>": {"status", "headers", "dialogs", "problems", ...inspect()}},
//          "shots": [...]}
import { DESKTOP, inspect, launch, output, readRequest, shoot, watchedPage } from './common.mjs';

const req = readRequest();
const browser = await launch();
const result = { pages: {}, shots: [] };
try {
  const context = await browser.newContext({ viewport: DESKTOP });
  for (const { name, url } of req.pages) {
    const page = await watchedPage(context);
    const response = await page.goto(url);
    // pages.js may run after load (local times, filters): give its work a moment to land.
    await page.waitForLoadState('networkidle');
    result.pages[name] = {
      status: response.status(),
      headers: await response.allHeaders(),
      ...await inspect(page),
      dialogs: page.dialogs,
      problems: page.problems,
    };
    result.shots.push(...await shoot(page, req.shots, name));
    await page.close();
  }
} finally {
  await browser.close();
}
output(result);

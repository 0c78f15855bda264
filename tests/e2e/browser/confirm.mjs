// The owner of an address opens the confirmation link mailed by a page that asks for it,
// looks at the events, and presses the button; shoots the page before ("confirm") and the
// answer after ("confirmed").
// stdin: {"url": ".../confirm/{token}", "shots": "<dir>"}
// stdout: {"before": {"status", ...inspect()}, "after": {"status", ...inspect()},
//          "dialogs", "problems", "shots"}
import { DESKTOP, inspect, launch, output, readRequest, shoot, watchedPage } from './common.mjs';

const req = readRequest();
const browser = await launch();
const result = { shots: [] };
try {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context);
  const first = await page.goto(req.url);
  result.before = { status: first.status(), ...await inspect(page) };
  result.shots.push(...await shoot(page, req.shots, 'confirm'));
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#confirm-send')]);
  result.after = { status: response.status(), ...await inspect(page) };
  result.shots.push(...await shoot(page, req.shots, 'confirmed'));
  result.dialogs = page.dialogs;
  result.problems = page.problems;
} finally {
  await browser.close();
}
output(result);

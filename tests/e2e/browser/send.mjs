// Sends the form of a page `times` times in a row, as a visitor pressing the button again
// and again (the events ticked by the page itself, e.g. a landing page's one event, plus
// any listed in "events"), and reports each answer; the last answer is shot as "shot".
// stdin: {"url": ".../p/{id}", "email": "...", "times": 3, "events": ["<id>"],
//         "shot": "429", "shots": "<dir>"}
// stdout: {"answers": [{"status", "retry_after", ...inspect()}], "dialogs", "problems", "shots"}
import { DESKTOP, inspect, launch, output, readRequest, shoot, watchedPage } from './common.mjs';

const req = readRequest();
const browser = await launch();
const result = { answers: [], shots: [] };
try {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context);
  for (let i = 0; i < req.times; i++) {
    await page.goto(req.url);
    for (const id of req.events || []) await page.check(`input[name=event][value="${id}"]`);
    await page.fill('#email', req.email);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#send')]);
    result.answers.push({ status: response.status(), retry_after: await response.headerValue('retry-after'),
                          ...await inspect(page) });
  }
  if (req.shot) result.shots.push(...await shoot(page, req.shots, req.shot));
  result.dialogs = page.dialogs;
  result.problems = page.problems;
} finally {
  await browser.close();
}
output(result);

// A fan on the schedule page: filters to one month with #filter-month, ticks `pick` of the
// events left visible, types an email address and sends; then, keyboard only, narrows the
// list with #filter-q, ticks an event with Space, types an address and sends with Enter.
// stdin: {"url": ".../p/{id}", "month": "YYYY-MM", "pick": 3, "email": "...",
//         "keyboard": {"q": "...", "email": "..."} | null,
//         "range": {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"} | null, "shots": "<dir>"}
// stdout: {"encoding", "total", "month_events", "visible", "visible_months", "ticked", "status",
//          "result", "keyboard": {"stops", "status", "result"}, "range": {"script", "noscript"},
//          "problems", "shots"}
import { DESKTOP, inspect, launch, output, readRequest, shoot, watchedPage } from './common.mjs';

const req = readRequest();
const browser = await launch();
const result = { shots: [], problems: [] };
try {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context);
  const first = await page.goto(req.url);
  // What came over the wire: the 2 MB page should travel gzipped.
  result.encoding = (await first.allHeaders())['content-encoding'] ?? null;
  result.total = await page.locator('li.event').count();
  result.month_events = await page.locator(`li.event[data-month="${req.month}"]`).count();
  result.shots.push(...await shoot(page, req.shots, 'schedule'));

  await page.selectOption('#filter-month', req.month);
  // pages.js filters in place: wait until no event of another month is visible.
  await page.waitForFunction((m) => [...document.querySelectorAll('li.event')]
    .every((li) => li.dataset.month === m || !li.checkVisibility()), req.month, { timeout: 10000 });
  const visible = await page.$$eval('li.event', (lis) => lis.filter((li) => li.checkVisibility())
    .map((li) => ({ month: li.dataset.month, id: li.querySelector('input[type=checkbox]')?.value })));
  result.visible = visible.length;
  result.visible_months = [...new Set(visible.map((v) => v.month))];
  result.ticked = visible.slice(0, req.pick).map((v) => v.id);
  for (const id of result.ticked) await page.check(`input[type=checkbox][name=event][value="${id}"]`);
  await page.fill('#email', req.email);
  result.shots.push(...await shoot(page, req.shots, 'schedule-filtered'));
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#send')]);
  result.status = response.status();
  result.result = await inspect(page);
  result.result_main = await page.locator('main#result').count();
  result.shots.push(...await shoot(page, req.shots, 'result'));
  result.problems.push(...page.problems);
  result.dialogs = page.dialogs;

  if (req.range) result.range = await dateRange(browser, req);
  if (req.keyboard) result.keyboard = await keyboardSend(context, req);
} finally {
  await browser.close();
}
output(result);

// The date range two ways: typed into #filter-from/#filter-to (pages.js filters in place),
// and as ?from=&to= in a browser without script (the server filters). Counts what is shown.
async function dateRange(browser, req) {
  const visibleDates = (page) => page.$$eval('li.event', (lis) => lis.filter((li) => li.checkVisibility())
    .map((li) => li.dataset.date));
  const out = {};
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context);
  await page.goto(req.url);
  await page.fill('#filter-from', req.range.from);
  await page.fill('#filter-to', req.range.to);
  await page.waitForFunction(({ from, to }) => [...document.querySelectorAll('li.event')]
    .every((li) => (li.dataset.date >= from && li.dataset.date <= to) || !li.checkVisibility()),
  req.range, { timeout: 10000 });
  out.script = await visibleDates(page);
  out.problems = page.problems;
  await context.close();
  const bare = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
  const still = await bare.newPage();
  await still.goto(`${req.url}?from=${req.range.from}&to=${req.range.to}`);
  out.noscript = await visibleDates(still);
  await bare.close();
  return out;
}

// Keyboard only, from the top of the page: Tab to the keyword box and type; Tab on to an
// event's checkbox and press Space, to the email box and type, to the button and press
// Enter — in whatever order the page puts them (Tab wraps around). Records every stop.
async function keyboardSend(context, req) {
  const page = await watchedPage(context);
  await page.goto(req.url);
  const out = { stops: [] };
  let typedQ = false;
  let typedEmail = false;
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      return { tag: el.tagName.toLowerCase(), id: el.id, type: el.type ?? '', name: el.name ?? '',
               checked: el.checked ?? null, value: el.value ?? '' };
    });
    out.stops.push(f);
    if (f.id === 'filter-q' && !typedQ) {
      await page.keyboard.type(req.keyboard.q);
      typedQ = true;
    } else if (typedQ && !out.ticked && f.type === 'checkbox' && f.name === 'event') {
      await page.keyboard.press('Space');
      out.ticked = await page.evaluate(() => document.activeElement.checked ? document.activeElement.value : null);
    } else if (f.id === 'email' && !typedEmail) {
      await page.keyboard.type(req.keyboard.email);
      typedEmail = true;
    } else if (f.id === 'send' && typedEmail && out.ticked) {
      const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      out.status = response.status();
      out.result = await inspect(page);
      break;
    }
  }
  out.problems = page.problems;
  out.stops = out.stops.map(({ checked, value, ...rest }) => rest).slice(0, 60);
  return out;
}

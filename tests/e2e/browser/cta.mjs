// A subscriber clicks a CTA link in a campaign email. First the page as a browser without
// script shows it (what a scanner gets, plus its <noscript> button), then with script: the
// page's POST is held until the "Sending your invitation" page is shot, then the browser
// must end on the landing URL. Last, without script, the <noscript> button does the same.
// stdin: {"url": ".../c/{id}?email=...", "noscript_url": "...|null", "landing": "<prefix>",
//         "shots": "<dir>"}
// stdout: {"page": inspect(), "posts": [{"status", "method"}], "final_url",
//          "noscript": {"final_url", "posts"}, "problems", "shots"}
import { DESKTOP, inspect, launch, output, readRequest, shoot, watchedPage } from './common.mjs';

const req = readRequest();
const browser = await launch();
const result = { shots: [], problems: [] };
const isCtaPost = (r) => r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/c/');
try {
  // As a scanner: no script, nothing but the GET.
  const still = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
  const plain = await watchedPage(still);
  const getResponse = await plain.goto(req.url);
  result.get_status = getResponse.status();
  result.page = await inspect(plain);
  result.shots.push(...await shoot(plain, req.shots, 'cta-noscript'));
  result.problems.push(...plain.problems);
  await still.close();

  // With script: hold the POST to shoot the page that is sending, then let it through.
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context);
  result.posts = [];
  let shot = false;
  await page.route('**/c/**', async (route) => {
    if (isCtaPost(route.request()) && !shot) {
      shot = true;
      result.sending_text = await page.evaluate(() => document.body.innerText);
      result.shots.push(...await shoot(page, req.shots, 'cta'));
    }
    await route.continue();
  });
  page.on('response', (r) => { if (isCtaPost(r.request())) result.posts.push({ status: r.status() }); });
  await page.goto(req.url);
  try {
    await page.waitForURL((u) => u.href.startsWith(req.landing), { timeout: 15000 });
  } catch (e) {
    result.wait_error = e.message.split('\n')[0];
  }
  result.final_url = page.url();
  result.final_text = await page.evaluate(() => document.body?.innerText ?? '');
  result.problems.push(...page.problems);
  await context.close();

  if (req.noscript_url) {
    const bare = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const p = await watchedPage(bare);
    const posts = [];
    p.on('response', (r) => { if (isCtaPost(r.request())) posts.push({ status: r.status() }); });
    await p.goto(req.noscript_url);
    const button = p.locator('form button:visible, form input[type=submit]:visible').first();
    const n = { posts };
    if (await button.count()) {
      try {
        await Promise.all([p.waitForURL((u) => u.href.startsWith(req.landing), { timeout: 15000 }),
                           button.click()]);
      } catch (e) {
        n.failed = e.message.split('\n')[0];
        n.text = await p.evaluate(() => document.body?.innerText ?? '');
      }
      n.final_url = p.url();
    } else {
      n.failed = 'no <noscript> form button on the CTA page';
    }
    result.noscript = n;
    result.problems.push(...p.problems);
  }
} finally {
  await browser.close();
}
output(result);

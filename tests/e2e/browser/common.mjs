// What every browser scenario shares: its request read from stdin as JSON, Debian's
// Chromium launched through playwright-core, screenshots at phone and desktop widths, and
// a look at a page as a visitor gets it (its text, dialogs, injected markup, CSP refusals).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export function readRequest() {
  return JSON.parse(fs.readFileSync(0, 'utf8'));
}

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                           args: ['--no-sandbox'] });
}

// A page that records what a visitor would not see but a test must: alert()/confirm()
// dialogs (an injected script ran), uncaught script errors, and console errors (Chromium
// logs every resource or inline code the CSP refused there).
export async function watchedPage(context) {
  const page = await context.newPage();
  page.dialogs = [];
  page.problems = [];
  page.on('dialog', async (d) => { page.dialogs.push(d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon\.ico/.test(m.location().url || '')) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  return page;
}

// Shoots the viewport at both widths; returns the file paths. The page is resized, not
// reloaded: a POST's answer (result, 429) cannot be fetched again.
export async function shoot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(size);
    const file = path.join(dir, `${name}-${label}.png`);
    await page.screenshot({ path: file });
    files.push(file);
    // Mobile-friendly means no sideways scrolling on a phone.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > size.width) page.problems?.push(`${name}: ${wide} px wide at a ${size.width} px viewport`);
  }
  await page.setViewportSize(DESKTOP);
  return files;
}

// What the page shows and whether anything from an event or a query became markup: an
// inline script, an element carrying an event handler attribute, or an <img src=x>.
export async function inspect(page) {
  return page.evaluate(() => ({
    url: location.href,
    title: document.title,
    text: document.body ? document.body.innerText : '',
    h1: document.querySelector('h1')?.innerText ?? null,
    injected: [...document.querySelectorAll('script:not([src]), img[src="x"], *')]
      .filter((el) => el.matches('script:not([src]), img[src="x"]') ||
              [...el.attributes].some((a) => a.name.startsWith('on')))
      .map((el) => el.outerHTML.slice(0, 200)),
    links: {
      subscribe: document.querySelector('a#subscribe')?.getAttribute('href') ?? null,
      feed: document.querySelector('a#feed-download')?.href ?? null,
      google: document.querySelectorAll('a.add-google').length,
      outlook: document.querySelectorAll('a.add-outlook').length,
      ics: [...document.querySelectorAll('a.download-ics')].slice(0, 5).map((a) => a.href),
    },
    lang: document.documentElement.lang,
    charset: document.characterSet,
  }));
}

export function output(result) {
  process.stdout.write(JSON.stringify(result));
}

/**
 * The contact form in a real browser (Debian's Chromium through playwright-core): WCAG 2.1 AA
 * by axe-core on the blank form and on a form with errors, in both languages; filled and sent
 * with JavaScript disabled, by keyboard only; and embedded in a page of another origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from '../e2e/browser-harness';
import { startFormsServer, type FormsServer } from './webforms-harness';
import { wcagViolations as violations } from '../e2e/axe';

jest.setTimeout(120_000);

let server: FormsServer;
let browser: Browser;
beforeAll(async () => {
  server = await startFormsServer({ FORMS_PER_MINUTE: '1000' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});


it('meets WCAG 2.1 AA, blank and with errors, in French and Dutch', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  for (const lang of ['fr', 'nl']) {
    await page.goto(`${server.url}/forms/contact?lang=${lang}`);
    expect(await violations(page)).toEqual([]);
    await page.locator('#f-from_email').fill('not-an-address');
    await page.locator('button[type=submit]').click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await violations(page)).toEqual([]);
    // The summary's links take the user to the field.
    await page.locator('.error-summary a[href="#f-from_email"]').click();
    expect(page.url()).toMatch(/#f-from_email$/);
  }
  await ctx.close();
});

it('is filled and sent by keyboard with JavaScript off; the honeypot is never reached', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/forms/contact?lang=fr`);
  const order: string[] = [];
  await page.locator('body').focus();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
  }
  // The language switch, the fields in order, the button: nothing hidden in between.
  expect(order).toEqual(['A', 'f-from_name', 'f-from_email', 'f-from_phone', 'f-topic', 'f-subject', 'f-description', 'BUTTON']);
  expect(order).not.toContain('f-website');
  await page.locator('#f-from_name').fill('Clavier Seul');
  await page.locator('#f-subject').fill('Envoyé au clavier');
  await page.locator('#f-description').fill('Sans JavaScript.');
  await page.locator('#f-topic').selectOption('roads');
  await page.locator('#f-description').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('.reference').waitFor();
  const reference = await page.locator('.reference').textContent();
  expect(server.cases().find((c) => c.id === reference)?.fields).toMatchObject({ subject: 'Envoyé au clavier', topic: 'roads', channel: 'web' });
  await ctx.close();
});

it('can be embedded in a page of another origin', async () => {
  const host: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="fr"><title>Site de la commune</title><h1>Contact</h1><iframe title="Formulaire de contact" src="${server.url}/forms/contact?lang=nl" width="800" height="1200"></iframe>`);
  });
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  try {
    const page = await (await browser.newContext()).newPage();
    // Another port is another origin.
    await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
    const frame = page.frameLocator('iframe');
    await frame.locator('h1').waitFor();
    expect(await frame.locator('h1').textContent()).toBe('Contacteer de gemeente');
    await frame.locator('#f-subject').fill('Vanuit de site');
    await frame.locator('#f-description').fill('Ingebed formulier.');
    await frame.locator('button[type=submit]').click();
    await frame.locator('.reference').waitFor();
    expect(server.cases().some((c) => c.fields['subject'] === 'Vanuit de site' && c.fields['language'] === 'nl')).toBe(true);
  } finally {
    host.closeAllConnections();
    await new Promise<void>((r) => host.close(() => r()));
  }
});

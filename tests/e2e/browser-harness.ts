/**
 * End-to-end tests in Debian's Chromium through playwright-core (never a downloaded browser):
 * a real server with the shipped pack and demo users, the built web app, screenshots kept
 * under test-artifacts/e2e/ as evidence of each journey.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const PASSWORDS: Record<string, string> = {
  admin: 'admin-demo', agent: 'agent-demo', 'agent-nl': 'agent-demo', manager: 'manager-demo',
  alderman: 'alderman-demo', secretary: 'secretary-demo', author: 'author-demo', km: 'km-demo',
  line1: 'line1-demo', line2: 'line2-demo', supervisor: 'supervisor-demo', expert: 'expert-demo',
};

let built = false;
/** Builds admin-ui/dist when its sources changed (the same step `npm start` runs). */
export function ensureUiBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO_ROOT, 'scripts', 'build-ui-if-needed.ts')], { stdio: 'pipe', cwd: REPO_ROOT });
  built = true;
}

export interface E2E {
  server: RunningServer;
  browser: Browser;
  url: string;
  newContext(): Promise<BrowserContext>;
  login(username: string, context?: BrowserContext): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** `env` adds settings; the map's geocoder is off unless a test gives one (no request leaves the machine). */
export async function startE2E(options: { withDemoRecords?: boolean; clock?: () => number; env?: Record<string, string> } = {}): Promise<E2E> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
  ensureUiBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-e2e-'));
  const demo = join(root, 'demo');
  mkdirSync(demo);
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demo, 'users.yaml'));
  if (options.withDemoRecords) copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'records.yaml'), join(demo, 'records.yaml'));
  const server = await startServer(loadConfig({ DATA_DIR: join(root, 'data'), DEMO_DIR: demo, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TIMER_POLL_MS: '100', OUTBOX_POLL_MS: '100', GEOCODER_URL: '', ...options.env }, REPO_ROOT), options.clock);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const e2e: E2E = {
    server,
    browser,
    url: server.url,
    newContext: () => browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' }),
    login: async (username, context) => {
      const ctx = context ?? (await e2e.newContext());
      const page = await ctx.newPage();
      await page.goto(`${server.url}/`);
      await page.locator('#username').fill(username);
      await page.locator('#password').fill(PASSWORDS[username] ?? '');
      await page.locator('form button[type=submit]').click();
      await page.locator('header.top').waitFor();
      return page;
    },
    shot: async (page, name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return e2e;
}

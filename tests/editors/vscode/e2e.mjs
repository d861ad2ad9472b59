// End-to-end test of the dynlens VS Code extension in real VS Code (code-server 4.100.3) driven
// through headless Chromium by playwright-core. Run by tests/editors/main.rs; by hand:
//
//   CODE_SERVER_ENTRY=.cache/editors/code-server/node_modules/code-server/out/node/entry.js \
//   PLAYWRIGHT_CORE=.cache/editors/playwright/node_modules/playwright-core \
//   VSIX=editors/vscode/dynlens-0.1.0.vsix DYNLENS_BIN=target/debug/dynlens \
//   FIXTURE=tests/editors/fixture WORK=/tmp/dynlens-vscode ARTIFACTS=tests/artifacts/vscode \
//   node tests/editors/vscode/e2e.mjs
//
// SERVER_FROM=bundled: the .vsix carries the server (npm run bundle-server); no
// dynlens.server.path is set and no `dynlens` is on code-server's PATH, so the extension must
// find the bundled binary. That run stops after the hover checks.
//
// Writes $WORK/result.json ({ ok, checks, data }) and a screenshot of every step to
// $ARTIFACTS. Every process it starts is killed (code-server as a process group); every wait
// is bounded. Exit code 0 only when every check passed.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return path.resolve(v);
};
const CS_ENTRY = env('CODE_SERVER_ENTRY');
const PLAYWRIGHT_CORE = env('PLAYWRIGHT_CORE');
const VSIX = env('VSIX');
const BUNDLED = process.env.SERVER_FROM === 'bundled';
const DYNLENS_BIN = BUNDLED ? '' : env('DYNLENS_BIN');
const FIXTURE = env('FIXTURE');
const WORK = env('WORK');
const ARTIFACTS = env('ARTIFACTS');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.DYNLENS_VSCODE_TIMEOUT_MS ?? 180_000);
const STEP_TIMEOUT_MS = 30_000;

const { chromium } = createRequire(import.meta.url)(PLAYWRIGHT_CORE);

const checks = [];
const data = {};
const started = Date.now();
const log = (msg) => process.stderr.write(`[vscode-test ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
function check(name, ok, detail = '') {
  checks.push({ name, ok: !!ok, detail: String(detail) });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${String(detail).slice(0, 300)}` : ''}`);
  return !!ok;
}

let codeServer; // ChildProcess, leader of its own process group
let context; // playwright BrowserContext
let shot = 0;

async function cleanup() {
  if (context) {
    await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    context = undefined;
  }
  if (codeServer && codeServer.exitCode === null) {
    try {
      process.kill(-codeServer.pid, 'SIGTERM');
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-codeServer.pid, 'SIGKILL');
    } catch {}
  }
}

function finish(code) {
  fs.writeFileSync(path.join(WORK, 'result.json'), JSON.stringify({ ok: code === 0, checks, data }, null, 2));
  process.exit(code);
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    check(`not interrupted by ${sig}`, false);
    await cleanup();
    finish(1);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null) throw new Error(`code-server exited with ${codeServer.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('code-server did not answer /healthz in time');
}

async function screenshot(page, name) {
  shot += 1;
  const file = path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file }).catch((e) => log(`screenshot ${name} failed: ${e}`));
  log(`screenshot ${file}`);
}

/** Center of the token `word` on the first visible editor line whose text contains `lineText`. */
async function wordBox(page, lineText, word) {
  return page.evaluate(
    ({ lineText, word }) => {
      const norm = (s) => s.replace(/\u00a0/g, ' ');
      const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines')
        ?? document.querySelector('.monaco-editor .view-lines');
      if (!editor) return null;
      for (const line of editor.querySelectorAll('.view-line')) {
        if (!norm(line.textContent ?? '').includes(lineText)) continue;
        for (const span of line.querySelectorAll('span span')) {
          if (norm(span.textContent ?? '') === word) {
            const r = span.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }
        }
      }
      return null;
    },
    { lineText, word },
  );
}

/** Text of the visible lines of the active editor, top to bottom. */
async function visibleEditorText(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines')
      ?? document.querySelector('.monaco-editor .view-lines');
    if (!editor) return '';
    const lines = [...editor.querySelectorAll('.view-line')];
    lines.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
  });
}

async function hoverWord(page, lineText, word) {
  const box = await wordBox(page, lineText, word);
  if (!box) throw new Error(`"${word}" is not visible on a line containing "${lineText}"`);
  await page.mouse.move(box.x - 40, box.y + 30, { steps: 2 });
  await page.mouse.move(box.x, box.y, { steps: 5 });
  return box;
}

/** Waits until the hover widget shows text containing `needle`; returns its text. */
async function hoverText(page, needle, timeoutMs = STEP_TIMEOUT_MS) {
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await hover.allInnerTexts().catch(() => [])).join('\n');
    if (last.includes(needle)) return last;
    await page.waitForTimeout(200);
  }
  return last;
}

async function run() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (f.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS, f));
  const ws = path.join(WORK, 'ws');
  const ud = path.join(WORK, 'ud');
  const ext = path.join(WORK, 'ext');
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(FIXTURE, ws, { recursive: true });
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  // A copy of the server, so that the test can make it disappear at the end.
  let serverCopy = path.join(WORK, 'bin', 'dynlens');
  if (!BUNDLED) {
    fs.mkdirSync(path.dirname(serverCopy), { recursive: true });
    fs.copyFileSync(DYNLENS_BIN, serverCopy);
    fs.chmodSync(serverCopy, 0o755);
  }
  fs.writeFileSync(
    path.join(ud, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true,
        'editor.minimap.enabled': false,
        'editor.hover.delay': 300,
        'files.autoSave': 'off',
        'window.commandCenter': false,
        ...(BUNDLED ? {} : { 'dynlens.server.path': serverCopy }),
        'dynlens.trace.server': 'messages',
      },
      null,
      2,
    ),
  );
  const csEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(WORK, 'xdg-config'),
    XDG_DATA_HOME: path.join(WORK, 'xdg-data'),
  };
  if (BUNDLED) {
    // No `dynlens` on PATH: the bundled binary must be the one found.
    csEnv.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && !fs.existsSync(path.join(d, 'dynlens'))).join(path.delimiter);
  }

  // Install the packaged extension.
  const install = spawnSync(
    process.execPath,
    [CS_ENTRY, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', VSIX, '--force'],
    { env: csEnv, encoding: 'utf8', timeout: 60_000 },
  );
  data.install = `${install.stdout}\n${install.stderr}`.trim();
  if (!check('the .vsix installs into code-server', install.status === 0 && /successfully installed/i.test(install.stdout), data.install)) return;

  if (BUNDLED) {
    const installed = fs.readdirSync(ext).map((d) => path.join(ext, d, 'server', 'dynlens')).filter((p) => fs.existsSync(p));
    check('the installed extension carries an executable server/dynlens',
      installed.length === 1 && (fs.statSync(installed[0]).mode & 0o111) !== 0, installed.join(', '));
    if (installed.length !== 1) return;
    serverCopy = installed[0];
  }

  const port = await freePort();
  fs.writeFileSync(path.join(WORK, 'config.yaml'), '');
  const csLog = fs.openSync(path.join(WORK, 'code-server.log'), 'w');
  codeServer = spawn(
    process.execPath,
    [
      CS_ENTRY, '--config', path.join(WORK, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--user-data-dir', ud, '--extensions-dir', ext, ws,
    ],
    { env: csEnv, detached: true, stdio: ['ignore', csLog, csLog] },
  );
  fs.writeFileSync(path.join(WORK, 'code-server.pgid'), String(codeServer.pid));
  await waitHealthy(port, STEP_TIMEOUT_MS);
  check('code-server answers', true, `port ${port}`);

  context = await chromium.launchPersistentContext(path.join(WORK, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const file = path.join(ws, 'src', 'main.rs');
  const payload = JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${file}`]]);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  await page.locator('.tabs-container .tab.active:has-text("main.rs")').waitFor();
  await page.locator('.monaco-editor .view-lines .view-line').first().waitFor();
  check('the fixture crate opens with src/main.rs', true);
  await page.waitForTimeout(500);
  await screenshot(page, 'opened');

  // Diagnostics: a red squiggle on `dyn Shape`, whose hover carries the message.
  const squiggle = page.locator('.monaco-editor .squiggly-error');
  const squiggled = await squiggle.first().waitFor({ timeout: STEP_TIMEOUT_MS }).then(() => true, () => false);
  check('an error squiggle appears (diagnostics pushed)', squiggled);
  await hoverWord(page, 'Box<dyn Shape>', 'Shape');
  const diagHover = await hoverText(page, 'is not dyn compatible');
  data.diagnosticHover = diagHover;
  check('the squiggle on `dyn Shape` says the trait is not dyn compatible',
    diagHover.includes('the trait `Shape` is not dyn compatible'), diagHover);
  await page.waitForTimeout(600);
  await screenshot(page, 'diagnostic');

  // Hover on the trait definition: verdict and the violation.
  await page.mouse.move(5, 400);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(400);
  await hoverWord(page, 'pub trait Shape', 'Shape');
  const hover = await hoverText(page, 'dyn compatible');
  data.hover = hover;
  check('hover on `Shape` shows the dynlens section', hover.includes('dynlens'), hover.slice(0, 200));
  check('hover gives the verdict "not dyn compatible"', hover.includes('not dyn compatible'), hover.slice(0, 200));
  check('hover names the violation (`scaled` returns Self)', hover.includes('scaled'), hover);
  // Without a server answering, every later step would only wait for its timeout.
  if (BUNDLED) {
    const running = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === serverCopy;
      } catch {
        return false;
      }
    });
    check('the server that answered is the bundled one', running.length === 1, `${serverCopy}: ${running.join(',')}`);
    return;
  }
  if (!hover.includes('dynlens')) {
    await screenshot(page, 'no-hover');
    return;
  }
  await page.waitForTimeout(600);
  await screenshot(page, 'hover-not-dyn-compatible');

  // Hover on the dyn compatible trait, for the vtable layout.
  await page.mouse.move(5, 400);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(400);
  await hoverWord(page, 'pub trait Greet', 'Greet');
  const hoverGreet = await hoverText(page, 'dyn compatible');
  data.hoverGreet = hoverGreet;
  check('hover on `Greet` says it is dyn compatible',
    hoverGreet.includes('dyn compatible') && !hoverGreet.includes('not dyn compatible'), hoverGreet.slice(0, 200));
  await page.waitForTimeout(600);
  await screenshot(page, 'hover-dyn-compatible');

  // Code action: Ctrl+. on `Greet`, apply the expansion.
  await page.mouse.move(5, 400);
  await page.keyboard.press('Escape');
  const greet = await wordBox(page, 'pub trait Greet', 'Greet');
  await page.mouse.click(greet.x, greet.y);
  await page.waitForTimeout(300);
  const beforeAction = await page.evaluate(() => document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '');
  await page.keyboard.press('Control+.');
  const title = 'dynlens: Expand `Greet` into explicit vtable';
  const menu = page.locator('.action-widget');
  const item = menu.locator('.monaco-list-row', { hasText: title });
  const offered = await item.first().waitFor({ timeout: STEP_TIMEOUT_MS }).then(() => true, () => false);
  data.actions = await menu.locator('.monaco-list-row').allInnerTexts().catch(() => []);
  check('Ctrl+. on `Greet` offers "Expand `Greet` into explicit vtable"', offered, data.actions.join(' | '));
  await page.waitForTimeout(300);
  await screenshot(page, 'code-actions');
  if (offered) {
    // Exactly this title (not "… with forwarding impls"): move the focus onto it and press
    // Enter, as a keyboard user does (a mouse click races with the menu's animations).
    let chosen = false;
    for (let i = 0; i < 12 && !chosen; i++) {
      const focused = (await menu.locator('.monaco-list-row.focused').allInnerTexts().catch(() => [])).join('').trim();
      if (focused === title || focused.endsWith(title)) {
        await page.keyboard.press('Enter');
        chosen = true;
      } else {
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(100);
      }
    }
    check('the expand action can be selected in the menu', chosen);
    // The edit lands in the buffer: the visible text changes right below the trait.
    const changed = await page
      .waitForFunction((before) => {
        const e = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
        return e && e.textContent !== before;
      }, beforeAction, { timeout: STEP_TIMEOUT_MS })
      .then(() => true, () => false);
    check('the editor text changes when the action is applied', changed);
    // Bring the vtable struct into view (find widget), for the screenshot and the DOM check.
    await page.keyboard.press('Control+f');
    const find = page.locator('.find-widget textarea, .find-widget input').first();
    await find.waitFor();
    await find.fill('struct GreetVtable');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const shownVtable = await page
      .waitForFunction(() => document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes('struct GreetVtable'), null, { timeout: STEP_TIMEOUT_MS })
      .then(() => true, () => false);
    data.visibleAfterExpand = await visibleEditorText(page);
    check('the editor shows `struct GreetVtable` after the action', shownVtable, data.visibleAfterExpand.slice(0, 300));
    await page.waitForTimeout(500);
    await screenshot(page, 'expanded');
    // The whole editor text: save it and read the file.
    await page.keyboard.press('Control+s');
    let saved = '';
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      saved = fs.readFileSync(file, 'utf8');
      if (saved.includes('GreetVtable')) break;
      await page.waitForTimeout(200);
    }
    data.expandedText = saved;
    check('the editor text has GreetVtable', saved.includes('GreetVtable'));
    check('the editor text has DynGreet', saved.includes('DynGreet'));
    check('the trait itself is still in the text', saved.includes('pub trait Greet {'));
  }

  // Code action: Ctrl+. on `impl Greet` in `welcome(g: impl Greet)`, convert it to dyn*.
  if (offered) {
    await page.keyboard.press('Control+f');
    const find2 = page.locator('.find-widget textarea, .find-widget input').first();
    await find2.waitFor();
    await find2.fill('fn welcome(g: impl Greet)');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    const param = await wordBox(page, 'fn welcome(g: impl Greet)', 'Greet');
    await page.mouse.click(param.x, param.y);
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+.');
    const convertTitle = 'Convert `g` to dyn* (`DynGreet`), callers unchanged';
    const convertMenu = page.locator('.action-widget');
    const convertItem = convertMenu.locator('.monaco-list-row', { hasText: convertTitle });
    const convertOffered = await convertItem.first().waitFor({ timeout: STEP_TIMEOUT_MS }).then(() => true, () => false);
    data.convertActions = await convertMenu.locator('.monaco-list-row').allInnerTexts().catch(() => []);
    check('Ctrl+. on `impl Greet` offers the dyn* conversion', convertOffered, data.convertActions.join(' | '));
    if (convertOffered) {
      let chosen = false;
      for (let i = 0; i < 12 && !chosen; i++) {
        const focused = (await convertMenu.locator('.monaco-list-row.focused').allInnerTexts().catch(() => [])).join('').trim();
        if (focused.includes(convertTitle)) {
          await page.keyboard.press('Enter');
          chosen = true;
        } else {
          await page.keyboard.press('ArrowDown');
          await page.waitForTimeout(100);
        }
      }
      check('the conversion can be selected in the menu', chosen);
      // The edit arrives after `codeAction/resolve`: save until the file holds it (a save
      // before the edit lands would keep the old text).
      let converted = '';
      const deadline2 = Date.now() + STEP_TIMEOUT_MS;
      while (Date.now() < deadline2) {
        await page.keyboard.press('Control+s');
        await page.waitForTimeout(300);
        converted = fs.readFileSync(file, 'utf8');
        if (converted.includes('fn welcome_dyn(')) break;
      }
      data.convertedText = converted;
      check('the conversion wrote the wrapper and its one inner function',
        converted.includes('welcome_dyn(DynGreet::new(g))') && converted.includes("fn welcome_dyn(g: DynGreet<'_>) -> String"));
      await screenshot(page, 'converted');
    }
    await page.keyboard.press('Escape');
  }

  // Command "dynlens: Show vtable expansion" on `Greet` opens a read-only preview tab.
  await page.keyboard.press('Control+Home');
  await page.waitForTimeout(300);
  const greetAgain = await wordBox(page, 'pub trait Greet', 'Greet');
  if (greetAgain) {
    await page.mouse.click(greetAgain.x, greetAgain.y);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>dynlens: Show vtable expansion');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show vtable expansion' }).first().waitFor();
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'Greet vtable expansion' });
    const opened = await tab.waitFor({ timeout: STEP_TIMEOUT_MS }).then(() => true, () => false);
    check('"dynlens: Show vtable expansion" opens a preview tab', opened);
    if (opened) {
      const shown = await page
        .waitForFunction(
          () => [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines')].some((e) => e.textContent?.includes('GreetVtable')),
          null,
          { timeout: STEP_TIMEOUT_MS },
        )
        .then(() => true, () => false);
      check('the preview tab shows GreetVtable', shown);
      await page.waitForTimeout(500);
      await screenshot(page, 'show-expansion');
    }
  } else {
    check('`Greet` is still visible for the expansion command', false);
  }

  // No dynlens error notification (missing binary, crash) along the way.
  const toasts = (await page.locator('.notifications-toasts').allInnerTexts().catch(() => [])).join('\n');
  data.notifications = toasts;
  check('no dynlens error notification', !toasts.includes('dynlens:'), toasts);

  // Settings reach the server on change: dynlens.diagnostics.enable=false clears the squiggle,
  // true brings it back. Toggled in the Settings editor, as a user would.
  const setDiagnostics = async (enable) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor();
    await box.fill('>Preferences: Open User Settings');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Open User Settings' }).first().waitFor();
    // The rows are "Open User Settings" and "Open User Settings (JSON)", in either order.
    for (let i = 0; i < 6; i++) {
      const focused = (await page.locator('.quick-input-widget .monaco-list-row.focused').allInnerTexts()).join('');
      if (focused.includes('Open User Settings') && !focused.includes('JSON')) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.settings-editor').waitFor();
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('dynlens.diagnostics.enable');
    const item = page.locator('.settings-editor .setting-item-bool', { hasText: 'Report an error on every' }).first();
    await item.waitFor();
    const checkbox = item.locator('.setting-value-checkbox');
    if (((await checkbox.getAttribute('aria-checked')) === 'true') !== enable) await checkbox.click();
    const settled = await page
      .waitForFunction(
        (want) => document.querySelector('.settings-editor .setting-item-bool .setting-value-checkbox')?.getAttribute('aria-checked') === String(want),
        enable,
        { timeout: STEP_TIMEOUT_MS },
      )
      .then(() => true, () => false);
    await page.waitForTimeout(300);
    await screenshot(page, enable ? 'settings-diagnostics-on' : 'settings-diagnostics-off');
    await page.keyboard.press('Control+w').catch(() => {});
    await page.locator('.tabs-container .tab', { hasText: 'main.rs' }).first().click();
    return settled;
  };
  // The error count in the status bar (the `dyn Shape` line may be scrolled out of view).
  const errorCount = async () => {
    const text = (await page.locator('[id="status.problems"]').allInnerTexts().catch(() => [])).join(' ');
    const n = text.match(/\d+/);
    return n ? Number(n[0]) : -1;
  };
  check('the status bar counts the dynlens error', (await errorCount()) === 1, String(await errorCount()));
  const waitErrorCount = async (want) => {
    for (const deadline = Date.now() + STEP_TIMEOUT_MS; Date.now() < deadline; ) {
      if (want(await errorCount())) return true;
      await page.waitForTimeout(200);
    }
    return false;
  };
  check('the Settings editor shows and toggles dynlens.diagnostics.enable', await setDiagnostics(false));
  check('dynlens.diagnostics.enable = false clears the diagnostics', await waitErrorCount((n) => n === 0));
  await screenshot(page, 'diagnostics-disabled');
  await setDiagnostics(true);
  check('dynlens.diagnostics.enable = true brings them back', await waitErrorCount((n) => n > 0));

  // The server crashes (killed): the extension restarts it by itself and hovers work again.
  const serverPids = () =>
    fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === serverCopy;
      } catch {
        return false;
      }
    });
  const before = serverPids();
  check('exactly one server process runs', before.length === 1, before.join(','));
  for (const pid of before) process.kill(Number(pid), 'SIGKILL');
  let restarted = [];
  for (const deadline = Date.now() + STEP_TIMEOUT_MS; Date.now() < deadline; ) {
    restarted = serverPids().filter((p) => !before.includes(p));
    if (restarted.length > 0) break;
    await page.waitForTimeout(200);
  }
  check('after a crash the extension starts a new server', restarted.length === 1, restarted.join(','));
  await page.keyboard.press('Escape');
  const mainTab = page.locator('.tabs-container .tab', { hasText: 'main.rs' }).first();
  await mainTab.click();
  await page.keyboard.press('Control+Home');
  await page.waitForTimeout(300);
  await page.mouse.move(5, 400);
  await hoverWord(page, 'pub trait Shape', 'Shape');
  const hoverAfterCrash = await hoverText(page, 'not dyn compatible');
  check('hover works again after the crash', hoverAfterCrash.includes('not dyn compatible'), hoverAfterCrash.slice(0, 200));
  await page.mouse.move(5, 400);

  // The server binary disappears (deleted copy), then "dynlens: Restart server": the extension
  // says clearly that the binary is missing and offers Restart.
  fs.rmSync(serverCopy, { force: true });
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor();
  await palette.fill('>dynlens: Restart server');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Restart server' }).first().waitFor();
  await page.keyboard.press('Enter');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'binary was not found' });
  const warned = await toast.first().waitFor({ timeout: STEP_TIMEOUT_MS }).then(() => true, () => false);
  const toastText = warned ? await toast.first().innerText() : '';
  check('after the binary is deleted, Restart reports it missing and offers Restart', warned && toastText.includes('Restart'), toastText);
  await page.waitForTimeout(500);
  await screenshot(page, 'missing-server');
}

const timer = setTimeout(async () => {
  check(`finished within ${TOTAL_TIMEOUT_MS / 1000} s`, false);
  await cleanup();
  finish(1);
}, TOTAL_TIMEOUT_MS);

try {
  await run();
} catch (err) {
  check('test script ran without error', false, err?.stack ?? String(err));
  if (context) {
    const page = context.pages()[0];
    if (page) await screenshot(page, 'error');
  }
}
clearTimeout(timer);
await cleanup();
finish(checks.length > 0 && checks.every((c) => c.ok) ? 0 : 1);

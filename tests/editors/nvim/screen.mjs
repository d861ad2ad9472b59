// Interactive test of lsp/dynlens.lua in Neovim 0.11+ as a user sees it: Neovim runs in a
// detached tmux (a real terminal screen), keys are typed with send-keys, the screen is read
// with capture-pane. Checks: the diagnostic's virtual text, `K` on a trait (hover float), `gra`
// (code action menu), choosing "Expand `Greet` into explicit vtable" and the buffer afterwards.
// Each step's screen is saved as text and, when playwright-core is given, rendered to PNG
// (ANSI colors to HTML, screenshot in Chromium) in $ARTIFACTS.
//
// Env: NVIM, DYNLENS_NVIM_CONFIG, DYNLENS_TEST_DIR, FILE (the fixture's main.rs, a copy),
// ARTIFACTS, RESULT; optional TMUX_SOCKET (tmux -L name), PLAYWRIGHT_CORE, CHROMIUM.
// `dynlens` must be on PATH.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const NVIM = process.env.NVIM;
const FILE = process.env.FILE;
const ARTIFACTS = process.env.ARTIFACTS;
const RESULT = process.env.RESULT;
const TEST_DIR = process.env.DYNLENS_TEST_DIR;
const SOCKET = process.env.TMUX_SOCKET ?? `dynlens-test-${process.pid}`;
const COLS = 120;
const ROWS = 40;
const STEP_TIMEOUT_MS = 15_000;

const checks = [];
const data = {};
const started = Date.now();
const log = (m) => process.stderr.write(`[nvim-screen ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
function check(name, ok, detail = '') {
  checks.push({ name, ok: !!ok, detail: String(detail) });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${String(detail).slice(0, 300)}` : ''}`);
  return !!ok;
}

function tmux(...args) {
  const r = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const screen = () => tmux('capture-pane', '-p', '-t', 'nv');
const screenAnsi = () => tmux('capture-pane', '-p', '-e', '-t', 'nv');
const keys = (...k) => tmux('send-keys', '-t', 'nv', ...k);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitScreen(pred, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let s = '';
  while (Date.now() < deadline) {
    s = screen();
    if (pred(s)) return { ok: true, screen: s };
    await sleep(100);
  }
  return { ok: false, screen: s };
}

// --- ANSI (SGR) to HTML -----------------------------------------------------------------------
const BASIC = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
function color256(n) {
  if (n < 16) return BASIC[n];
  if (n < 232) {
    const v = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return `rgb(${v[Math.floor(i / 36)]},${v[Math.floor(i / 6) % 6]},${v[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function ansiToHtml(text) {
  let st = {};
  let out = '';
  const open = () => {
    let fg = st.fg, bg = st.bg;
    if (st.reverse) [fg, bg] = [bg ?? '#14161b', fg ?? '#e0e2ea'];
    const css = [];
    if (fg) css.push(`color:${fg}`);
    if (bg) css.push(`background:${bg}`);
    if (st.bold) css.push('font-weight:bold');
    if (st.italic) css.push('font-style:italic');
    if (st.underline) css.push('text-decoration:underline');
    return css.length ? `<span style="${css.join(';')}">` : '<span>';
  };
  out += open();
  const re = /\x1b\[([0-9;:]*)m/g;
  let last = 0;
  for (let m; (m = re.exec(text)); ) {
    out += esc(text.slice(last, m.index));
    last = re.lastIndex;
    const p = m[1] === '' ? [0] : m[1].split(';').map((x) => parseInt(x.split(':')[0], 10) || 0);
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (c === 0) st = {};
      else if (c === 1) st.bold = true;
      else if (c === 3) st.italic = true;
      else if (c === 4) st.underline = true;
      else if (c === 7) st.reverse = true;
      else if (c === 22) st.bold = false;
      else if (c === 23) st.italic = false;
      else if (c === 24) st.underline = false;
      else if (c === 27) st.reverse = false;
      else if (c >= 30 && c <= 37) st.fg = BASIC[c - 30];
      else if (c >= 90 && c <= 97) st.fg = BASIC[c - 90 + 8];
      else if (c >= 40 && c <= 47) st.bg = BASIC[c - 40];
      else if (c >= 100 && c <= 107) st.bg = BASIC[c - 100 + 8];
      else if (c === 39) delete st.fg;
      else if (c === 49) delete st.bg;
      else if ((c === 38 || c === 48) && p[i + 1] === 5) {
        st[c === 38 ? 'fg' : 'bg'] = color256(p[i + 2]);
        i += 2;
      } else if ((c === 38 || c === 48) && p[i + 1] === 2) {
        st[c === 38 ? 'fg' : 'bg'] = `rgb(${p[i + 2]},${p[i + 3]},${p[i + 4]})`;
        i += 4;
      }
    }
    out += '</span>' + open();
  }
  out += esc(text.slice(last)) + '</span>';
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#14161b}
pre{margin:0;padding:8px;font:15px/1.25 'DejaVu Sans Mono',monospace;color:#e0e2ea;background:#14161b;width:${COLS}ch}
</style><pre>${out}</pre>`;
}

let browser;
async function saveScreen(name) {
  const ansi = screenAnsi();
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.txt`), screen());
  if (!process.env.PLAYWRIGHT_CORE) return;
  try {
    if (!browser) {
      const { chromium } = createRequire(import.meta.url)(path.resolve(process.env.PLAYWRIGHT_CORE));
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    }
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await page.setContent(ansiToHtml(ansi));
    await page.locator('pre').screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    await page.close();
    log(`screenshot ${name}.png`);
  } catch (e) {
    log(`rendering ${name}.png failed: ${e}`);
  }
}

async function run() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  tmux('new-session', '-d', '-s', 'nv', '-x', String(COLS), '-y', String(ROWS),
    '-e', `PATH=${process.env.PATH}`, '-e', `DYNLENS_NVIM_CONFIG=${process.env.DYNLENS_NVIM_CONFIG}`,
    '-e', 'TERM=screen-256color', '-e', `XDG_STATE_HOME=${path.join(path.dirname(RESULT), 'state')}`,
    `${NVIM} --clean -u ${path.join(TEST_DIR, 'screen-init.lua')} ${FILE}`);

  // Diagnostics show as virtual text on the `dyn Shape` line.
  let r = await waitScreen((s) => s.includes('is not dyn compatible'));
  check('the diagnostic appears as virtual text', r.ok, r.ok ? '' : r.screen);
  await saveScreen('neovim-diagnostic');

  // K on `Shape` in `pub trait Shape`.
  keys(':5', 'Enter');
  keys('0', 'w', 'w');
  await sleep(200);
  keys('K');
  r = await waitScreen((s) => s.includes('not dyn compatible') && s.includes('Violations'));
  data.hoverScreen = r.screen;
  check('K on `Shape` shows the dynlens hover with its violations', r.ok, r.ok ? '' : r.screen);
  await sleep(300);
  await saveScreen('neovim-hover');

  // gra on `Greet`: the code action menu.
  keys('Escape');
  keys(':11', 'Enter');
  keys('0', 'w', 'w');
  await sleep(300);
  keys('g', 'r', 'a');
  const title = 'dynlens: Expand `Greet` into explicit vtable';
  r = await waitScreen((s) => s.includes(title));
  data.menuScreen = r.screen;
  check('gra on `Greet` lists the expand action', r.ok, r.ok ? '' : r.screen);
  await saveScreen('neovim-code-actions');
  if (r.ok) {
    const line = r.screen.split('\n').find((l) => l.includes(title) && !l.includes('forwarding'));
    const choice = line?.match(/(\d+)[:.]/)?.[1];
    check('the menu numbers the action', choice !== undefined, line ?? '');
    if (choice !== undefined) {
      keys(choice, 'Enter');
      // The edit arrives after `codeAction/resolve`: search once the buffer is modified.
      await waitScreen((s) => s.includes('[+]'));
      keys('Escape');
      keys('/struct GreetVtable', 'Enter');
      r = await waitScreen((s) => s.includes('struct GreetVtable') && !s.includes('Pattern not found'));
      check('after choosing it, the buffer holds `struct GreetVtable`', r.ok, r.ok ? '' : r.screen);
      await sleep(300);
      await saveScreen('neovim-expanded');
    }
  }
  keys('Escape');
  keys(':qall!', 'Enter');
}

const timer = setTimeout(() => {
  check('finished in time', false);
  finish();
}, 90_000);

function finish() {
  clearTimeout(timer);
  try {
    tmux('kill-server');
  } catch {}
  const close = browser ? browser.close().catch(() => {}) : Promise.resolve();
  close.then(() => {
    const ok = checks.length > 0 && checks.every((c) => c.ok);
    fs.writeFileSync(RESULT, JSON.stringify({ ok, checks, data }, null, 2));
    process.exit(ok ? 0 : 1);
  });
}

try {
  await run();
} catch (e) {
  check('test script ran without error', false, e?.stack ?? String(e));
}
finish();

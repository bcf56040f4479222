// End to end through a real VS Code: code-server (VS Code's workbench and extension host, served
// to a browser) with the extension installed from its .vsix, driven through the UI by Playwright
// in headless Chromium. The extension starts the given `govc lsp`; the tests read what a person
// would see: the Problems panel, the suggest widget, the hover, the formatted text.
//
// Environment (run.sh sets it): GOVC_E2E_BIN, the govc binary (`govc.path`); GOVC_E2E_VSIX, the
// extension package; CHROMIUM (default /usr/bin/chromium); GOVC_E2E_SCREENSHOT, where to write
// the screenshot of diagnostics and completion (default: the scratch directory).
//
// Every wait is bounded: a server that does not start, or answers nothing, fails the test that
// waited for it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
const codeServer = join(here, "node_modules", ".bin", "code-server");

const govc = process.env.GOVC_E2E_BIN;
const vsix = process.env.GOVC_E2E_VSIX;
assert.ok(govc, "GOVC_E2E_BIN names the govc binary");
assert.ok(vsix && existsSync(vsix), `GOVC_E2E_VSIX names the extension package (${vsix})`);

/** How long any one thing may take to appear; the server answers in milliseconds. */
const WAIT = 30_000;
/** A guard against a wedged browser, not a timing assertion. */
const TEST_TIMEOUT = 180_000;

// A misspelt Region (`us-est-1`) and an uppercase one (`US-WEST-2`): two E0200s.
const REGIONS = readFileSync(join(repoRoot, "tests", "bad", "unknown-region.gov"), "utf8");
// Valid, but not in the canonical layout.
const UNFORMATTED = [
  "// Only two EU Regions.",
  "scp   eu_only{",
  "only regions eu-central-1,   eu-west-1",
  "      deny   models anthropic.claude*",
  "}",
  "",
].join("\n");
// The same in the canonical layout (`govc fmt --stdin` prints it; docs/formatter.md). Written
// out rather than computed with the binary under test, which may be one that does not work.
const FORMATTED = [
  "// Only two EU Regions.",
  "scp eu_only {",
  "  only regions eu-central-1, eu-west-1",
  "  deny models anthropic.claude*",
  "}",
  "",
].join("\n");

let scratch;
let workspace;
let server;
let serverLog = "";
let browser;
let page;
/** Requests the page made to anywhere but code-server (reported, not failed on). */
const offsite = [];

function sh(cmd, args, env) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.error ?? ""}${r.stderr}`);
  return r.stdout;
}

/** The lines of the active editor as VS Code renders them (top to bottom). */
async function editorText() {
  return page.evaluate(() => {
    const editor = document.querySelector(".editor-group-container.active .editor-instance .monaco-editor");
    if (!editor) return null;
    const lines = [...editor.querySelectorAll(".view-lines .view-line")].map((el) => [
      parseFloat(el.style.top),
      el.textContent.replace(/\u00a0/g, " "),
    ]);
    lines.sort((a, b) => a[0] - b[0]);
    return lines.map((l) => l[1]).join("\n");
  });
}

/** Runs a command from the command palette by its exact title. */
async function command(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(`>${title}`);
  // The row whose label is exactly the title ("File: Save", not "File: Save As...").
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const row = page
    .locator(".quick-input-list .monaco-list-row")
    .filter({ has: page.locator(".label-name", { hasText: exact }) })
    .first();
  await row.waitFor({ state: "visible", timeout: WAIT });
  await row.click();
  await input.waitFor({ state: "hidden", timeout: WAIT });
}

/** Opens a file of the workspace with Quick Open and waits for its editor. */
async function open(name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(name);
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: name })
    .first()
    .waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: WAIT });
  await page.locator(".editor-group-container.active .monaco-editor .view-lines").waitFor({ timeout: WAIT });
  await page.locator(".editor-group-container.active .monaco-editor textarea").focus();
}

/** Puts the cursor at a 1-based line and column with Go to Line. */
async function goTo(line, column) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: WAIT });
}

/** Saves the active editor and returns the file's text on disk once the save has landed. */
async function save(name, want) {
  await command("File: Save");
  await page.locator(`.tab.active[data-resource-name="${name}"]:not(.dirty)`).waitFor({ timeout: WAIT });
  // The write goes through code-server: the tab can be clean a moment before the file is.
  const path = join(workspace, name);
  const deadline = Date.now() + WAIT;
  let text = readFileSync(path, "utf8");
  while (text !== want && Date.now() < deadline) {
    await page.waitForTimeout(100);
    text = readFileSync(path, "utf8");
  }
  return text;
}

/** The labels of the suggest widget's visible rows, once it shows some. */
async function suggestions() {
  const rows = page.locator(".suggest-widget.visible .monaco-list-row");
  await rows.first().waitFor({ state: "visible", timeout: WAIT });
  return rows.evaluateAll((els) => els.map((el) => el.querySelector(".label-name")?.textContent ?? ""));
}

/** Waits for the hover widget and returns its text. */
async function hoverAt(line, column) {
  await goTo(line, column);
  await command("Show or Focus Hover");
  const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content").first();
  await hover.waitFor({ state: "visible", timeout: WAIT });
  // Its content can arrive after the widget (a "Loading..." placeholder first).
  await page.waitForFunction(
    () => {
      const el = document.querySelector(".monaco-hover:not(.hidden) .monaco-hover-content");
      return el && el.textContent.trim() && !/^Loading/.test(el.textContent.trim());
    },
    undefined,
    { timeout: WAIT },
  );
  const text = await hover.innerText();
  await page.keyboard.press("Escape");
  return text;
}

/** What went wrong, for a failing test: the screen, the extension's log, the notifications. */
async function evidence(name) {
  const out = [];
  if (page) {
    const shot = join(scratch, `${name}.png`);
    await page.screenshot({ path: shot }).catch(() => {});
    out.push(`screenshot: ${shot}`);
    const toasts = await page
      .locator(".notification-list-item")
      .allInnerTexts()
      .catch(() => []);
    if (toasts.length) out.push(`notifications:\n${toasts.join("\n")}`);
  }
  const logs = join(scratch, "data", "logs");
  const channel = existsSync(logs)
    ? readdirSync(logs, { recursive: true }).filter((f) => String(f).endsWith("govc.log"))
    : [];
  for (const f of channel) out.push(`${f}:\n${readFileSync(join(logs, String(f)), "utf8").slice(-4000)}`);
  return out.join("\n");
}

/** Runs one step; on failure adds the evidence to the assertion's message. */
async function step(name, body) {
  try {
    await body();
  } catch (err) {
    const more = await evidence(name);
    throw new Error(`${err.message}\n--- ${name}: evidence ---\n${more}`, { cause: err });
  }
}

before(
  async () => {
    scratch = mkdtempSync(join(tmpdir(), "govc-vscode-e2e-"));
    workspace = join(scratch, "project");
    mkdirSync(workspace);
    writeFileSync(join(workspace, "regions.gov"), REGIONS);
    writeFileSync(join(workspace, "format.gov"), UNFORMATTED);

    const data = join(scratch, "data");
    const extensions = join(scratch, "extensions");
    mkdirSync(join(data, "User"), { recursive: true });
    // The user's settings: nothing that reaches out or gets in the way.
    const settings = {
      "editor.wordBasedSuggestions": "off",
      "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
      "editor.hover.delay": 100000,
      "editor.minimap.enabled": false,
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "extensions.ignoreRecommendations": true,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "workbench.enableExperiments": false,
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.secondarySideBar.defaultVisibility": "hidden",
      "workbench.colorTheme": "Default Light Modern",
      "security.workspace.trust.enabled": false,
      "chat.disableAIFeatures": true,
      "git.enabled": false,
      "npm.autoDetect": "off",
      "files.autoSave": "off",
    };
    writeFileSync(join(data, "User", "settings.json"), JSON.stringify(settings, null, 2));
    // `govc.path` is machine-scoped: in a remote window (code-server is one) VS Code reads it
    // from the settings of the machine the extension runs on, not from the user's.
    mkdirSync(join(data, "Machine"));
    writeFileSync(join(data, "Machine", "settings.json"), JSON.stringify({ "govc.path": govc }, null, 2));
    const config = join(scratch, "config.yaml");
    writeFileSync(config, "bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n");
    const common = ["--config", config, "--user-data-dir", data, "--extensions-dir", extensions];
    // Nothing in the home directory: code-server's own state goes to the scratch directory too.
    const env = {
      ...process.env,
      // No extension gallery (code-server's default is a public one): nothing to query, no
      // recommendations, no update checks for the installed .vsix.
      EXTENSIONS_GALLERY: "{}",
      XDG_CONFIG_HOME: join(scratch, "xdg-config"),
      XDG_DATA_HOME: join(scratch, "xdg-data"),
      XDG_CACHE_HOME: join(scratch, "xdg-cache"),
    };

    const installed = spawnSync(codeServer, [...common, "--install-extension", vsix], {
      env,
      encoding: "utf8",
    });
    assert.equal(installed.status, 0, `install the .vsix: ${installed.stdout}${installed.stderr}`);
    assert.match(installed.stdout, /successfully installed/, installed.stdout);

    server = spawn(
      codeServer,
      [
        ...common,
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--ignore-last-opened",
        workspace,
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const url = await new Promise((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${serverLog}`)), WAIT);
      const read = (chunk) => {
        serverLog += chunk;
        const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serverLog);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      };
      server.stdout.on("data", read);
      server.stderr.on("data", read);
      server.on("exit", (code) => reject(new Error(`code-server exited (${code}):\n${serverLog}`)));
    });
    const version = /^(\S+) \S+ with Code (\S+)$/m.exec(
      sh(codeServer, ["--config", config, "--version"], env),
    );
    console.log(`# code-server ${version?.[1]} (VS Code ${version?.[2]}); govc.path = ${govc}`);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on("request", (r) => {
      if (!r.url().startsWith(url) && !/^(data|blob|vscode-[a-z-]+):/.test(r.url())) offsite.push(r.url());
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    // The Explorer shows the workspace once the workbench is connected to its server.
    await page
      .locator(".explorer-folders-view .monaco-list-row", { hasText: "regions.gov" })
      .waitFor({ timeout: 60_000 });
  },
  { timeout: TEST_TIMEOUT },
);

after(async () => {
  if (offsite.length)
    console.log(`# requests elsewhere than code-server: ${[...new Set(offsite)].join(" ")}`);
  await browser?.close().catch(() => {});
  if (server?.pid && server.exitCode === null) {
    // code-server, its VS Code server, the extension host and govc lsp: one process group.
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  if (scratch && !process.env.GOVC_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
});

test("diagnostics: a misspelt Region is E0200 in the Problems panel", { timeout: TEST_TIMEOUT }, async () => {
  await step("diagnostics", async () => {
    await open("regions.gov");
    await command("View: Focus Problems (Errors, Warnings, Infos)");
    const rows = page.locator(".markers-panel .monaco-list-row");
    await rows
      .filter({ hasText: "us-est-1" })
      .filter({ hasText: "E0200" })
      .first()
      .waitFor({ timeout: WAIT });
    await rows
      .filter({ hasText: "US-WEST-2" })
      .filter({ hasText: "E0200" })
      .first()
      .waitFor({ timeout: WAIT });
    const text = (await rows.allInnerTexts()).join("\n");
    assert.match(text, /unknown region `us-est-1`\s+govc\s+E0200\s+\[Ln 3, Col 16\]/);
    assert.match(text, /did you mean `us-east-1`\?/);
    assert.match(text, /unknown region `US-WEST-2`\s+govc\s+E0200\s+\[Ln 3, Col 26\]/);
    // And in the editor: the squiggles under both.
    await page.locator(".editor-group-container.active .squiggly-error").first().waitFor({ timeout: WAIT });
    assert.ok((await page.locator(".editor-group-container.active .squiggly-error").count()) >= 2);
  });
});

test("completion: Region codes after `only regions `", { timeout: TEST_TIMEOUT }, async () => {
  await step("completion", async () => {
    await open("regions.gov");
    // Right after `only regions ` on the existing line: every Region code is offered.
    await goTo(3, "  only regions ".length + 1);
    await page.keyboard.press("Control+Space");
    const all = await suggestions();
    assert.ok(all.length >= 5, `the suggest widget lists items: ${JSON.stringify(all)}`);
    const region = /^(?:[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d|cris::[a-z-]+)$/;
    assert.ok(
      all.every((l) => region.test(l)),
      `only Region codes and cris:: groups are offered here: ${JSON.stringify(all)}`,
    );
    const shot = process.env.GOVC_E2E_SCREENSHOT || join(scratch, "diagnostics-completion.png");
    await page.screenshot({ path: shot });
    await page.keyboard.press("Escape");

    // On a new line: `only regions us-ea` (the widget filters as one types: us-east-1,
    // us-east-2, us-gov-east-1, ...), us-east-1 accepted, the file saved.
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("only regions ");
    await page.keyboard.press("Control+Space");
    await suggestions();
    await page.keyboard.type("us-ea");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll(".suggest-widget.visible .monaco-list-row .label-name")].every((el) =>
          el.textContent.startsWith("us-"),
        ),
      undefined,
      { timeout: WAIT },
    );
    const narrowed = await suggestions();
    assert.ok(narrowed.includes("us-east-1"), `us-east-1 is offered: ${JSON.stringify(narrowed)}`);
    assert.ok(narrowed.includes("us-east-2"), `us-east-2 is offered: ${JSON.stringify(narrowed)}`);
    const focused = page.locator(".suggest-widget.visible .monaco-list-row.focused .label-name");
    for (let i = 0; i < narrowed.length && (await focused.textContent()) !== "us-east-1"; i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.equal(await focused.textContent(), "us-east-1");
    await page.keyboard.press("Enter");
    await page.locator(".suggest-widget.visible").waitFor({ state: "hidden", timeout: WAIT });
    const want = REGIONS.replace("eu-central-1\n", "eu-central-1\n  only regions us-east-1\n");
    assert.equal(await save("regions.gov", want), want, "the accepted item is in the saved file");
  });
});

test("hover: a Region and a keyword", { timeout: TEST_TIMEOUT }, async () => {
  await step("hover", async () => {
    await open("regions.gov");
    const line = REGIONS.split("\n")[2];
    const region = await hoverAt(3, line.indexOf("eu-central-1") + 3);
    assert.match(region, /eu-central-1/);
    assert.match(region, /Region, Europe \(Frankfurt\)/);
    const keyword = await hoverAt(3, line.indexOf("only") + 2);
    assert.match(keyword, /only regions/);
    assert.match(keyword, /allow-lists/);
  });
});

test("format: Format Document gives govc fmt's layout", { timeout: TEST_TIMEOUT }, async () => {
  await step("format", async () => {
    await open("format.gov");
    assert.equal(await editorText(), UNFORMATTED);
    await command("Format Document");
    const deadline = Date.now() + WAIT;
    let shown = await editorText();
    while (shown !== FORMATTED && Date.now() < deadline) {
      await page.waitForTimeout(100);
      shown = await editorText();
    }
    assert.equal(shown, FORMATTED, "the editor shows the formatted text");
    assert.equal(await save("format.gov", FORMATTED), FORMATTED, "the saved file");
  });
});

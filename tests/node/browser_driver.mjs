// Headless Chromium (Debian's, through playwright-core) driven line by line from the tests:
// each stdin line is a JSON command, each stdout line the JSON reply to it, in order.
import { chromium } from "playwright-core";
import readline from "node:readline";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
// Named pages, each in a browser context of its own (its own cookies and storage): two
// people at two browsers. Commands name theirs with "page" ("main" by default).
const pages = new Map();
const consoleLines = [];
async function pageNamed(name = "main") {
  if (!pages.has(name)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("console", (message) => consoleLines.push(`${name} ${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`${name} pageerror: ${error.message}`));
    pages.set(name, page);
  }
  return pages.get(name);
}

const commands = {
  open: ({ url }) => page.goto(url),
  reload: () => page.reload(),
  click: ({ selector }) => page.locator(selector).click(),
  fill: ({ selector, text }) => page.locator(selector).fill(text),
  type: ({ selector, text }) => page.locator(selector).pressSequentially(text, { delay: 20 }),
  press: ({ selector, key }) => page.locator(selector).press(key),
  // Waits until the selector's text contains (or, with absent, stops containing) the text.
  waitText: async ({ selector, text, timeout = 10000, absent = false }) => {
    const locator = page.locator(selector);
    const deadline = Date.now() + timeout;
    for (;;) {
      const all = (await locator.allTextContents()).join("\n");
      if (all.includes(text) !== absent) return all;
      if (Date.now() > deadline) throw new Error(`${selector}: ${JSON.stringify(text)} ${absent ? "still there" : "not seen"}; text was ${JSON.stringify(all)}`);
      await page.waitForTimeout(50);
    }
  },
  waitAttr: ({ selector, name, value, timeout = 10000 }) =>
    page.waitForFunction(
      ([s, n, v]) => {
        const element = document.querySelector(s) || [...document.querySelectorAll("*")]
          .map((e) => e.shadowRoot?.querySelector(s)).find(Boolean);
        return element && element.getAttribute(n) === v;
      },
      [selector, name, value],
      { timeout },
    ),
  texts: ({ selector }) => page.locator(selector).allTextContents(),
  visible: ({ selector }) => page.locator(selector).isVisible(),
  screenshot: async ({ path }) => {
    await page.screenshot({ path, fullPage: true });
  },
  console: () => consoleLines.splice(0),
  // A page-side expression's value (for diagnosis; the tests assert on the page itself).
  evaluate: ({ expression }) => page.evaluate(expression),
};

const lines = readline.createInterface({ input: process.stdin });
let page;
for await (const line of lines) {
  const { cmd, page: name, ...args } = JSON.parse(line);
  try {
    page = await pageNamed(name);
    const value = await commands[cmd](args);
    process.stdout.write(JSON.stringify({ ok: true, value: value ?? null }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(error), console: consoleLines }) + "\n");
  }
}
await browser.close();

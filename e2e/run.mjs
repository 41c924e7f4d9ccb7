// Runs every *.e2e.mjs file in this folder against a running bench.
//   C360_URL=http://127.0.0.1:8001 C360_ADMIN_PASSWORD=admin [C360_E2E_ONLY=customer360] node run.mjs
// Prints "browser: N passed, M failed" and exits non-zero on any failure.
// Screenshots go to $C360_ARTIFACTS (default ./artifacts).
import { readdirSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { detectDesk } from "./helpers.mjs";

const baseURL = process.env.C360_URL || "http://127.0.0.1:8000";
const artifacts = process.env.C360_ARTIFACTS || new URL("./artifacts", import.meta.url).pathname;
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: [
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
	],
});

// /app (Frappe v15) or /desk (v16): every test builds desk URLs with helpers' deskUrl().
const desk = await detectDesk(baseURL);
console.log(`desk at ${desk}`);
const ctx = {
	baseURL,
	artifacts,
	browser,
	desk,
	adminPassword: process.env.C360_ADMIN_PASSWORD || "admin",
};
let passed = 0,
	failed = 0;
// C360_E2E_ONLY=customer360 runs only the files whose name contains that text (while developing).
const only = process.env.C360_E2E_ONLY || "";
const files = readdirSync(new URL(".", import.meta.url))
	.filter((f) => f.endsWith(".e2e.mjs") && f.includes(only))
	.sort();
for (const file of files) {
	const mod = await import(`./${file}`);
	for (const [name, fn] of Object.entries(mod.tests)) {
		const started = Date.now();
		try {
			await fn(ctx);
			passed++;
			console.log(`ok   ${file} › ${name} (${Date.now() - started} ms)`);
		} catch (e) {
			failed++;
			console.log(`FAIL ${file} › ${name}\n${e.stack || e}`);
		}
	}
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);

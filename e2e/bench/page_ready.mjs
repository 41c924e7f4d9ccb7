// Browser row of `bench --site SITE customer-360 benchmark`: how long a user waits, in headless Chromium, for
// ERPNext's Customer form and for the Customer 360 page of the same customer to be ready.
//
//   C360_URL=http://127.0.0.1:PORT C360_SITE=site.localhost C360_ADMIN_PASSWORD=admin \
//     node e2e/bench/page_ready.mjs --runs 3 --timeout 60 typical=CUSTOMER whale=CUSTOMER
//
// Ready = the view's own "done" signal holds (form: cur_frm shows the customer; 360: the overview pane has
// data-state=ready and no pane is loading) AND no XHR/fetch of the page is in flight, confirmed by QUIET_MS of
// quiet; the time is from navigation start to the later of the two. The main thread is asked through
// page.evaluate, so a page whose main thread stalls is not ready. A view not ready within --timeout seconds is
// reported as such; after a first such run the view's other runs are skipped.
// One browser context per customer, warmed by one desk load so that runs use the browser cache like a user who
// has the desk open. Form and page runs alternate. Prints one JSON line.
import { chromium } from "playwright-core";

const QUIET_MS = 500;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : dflt;
};
const runs = Number(opt("runs", 3));
const timeoutMs = Number(opt("timeout", 60)) * 1000;
const targets = args.filter((a) => /^[a-z]+=/.test(a)).map((a) => a.split(/=(.*)/s).slice(0, 2));
const baseURL = process.env.C360_URL || "http://127.0.0.1:8000";
const site = process.env.C360_SITE || "";
const password = process.env.C360_ADMIN_PASSWORD || "admin";
if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(baseURL))
	throw new Error(`only 127.0.0.1: ${baseURL}`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const headers = site ? { "X-Frappe-Site-Name": site } : {};

// Frappe v15's desk is /app, v16's /desk (where /app redirects): ask the site once.
let desk = "/app";
async function detectDesk() {
	const res = await fetch(new URL("/app", baseURL), { redirect: "manual", headers });
	const location = res.headers.get("location") || "";
	if (
		res.status >= 300 &&
		res.status < 400 &&
		/^(https?:\/\/[^/]+)?\/desk(\/|$|\?)/.test(location)
	)
		desk = "/desk";
}
const deskUrl = (...parts) => [desk, ...parts.map((p) => encodeURIComponent(String(p)))].join("/");

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

async function newContext() {
	const context = await browser.newContext({
		baseURL,
		viewport: { width: 1280, height: 900 },
		extraHTTPHeaders: headers,
	});
	const res = await context.request.post("/api/method/login", {
		data: { usr: "Administrator", pwd: password },
	});
	if (res.status() !== 200) throw new Error(`login failed: ${res.status()}`);
	return context;
}

const VIEWS = {
	form: {
		url: (name) => deskUrl("customer", name),
		ready: (name) => {
			const f = window.cur_frm;
			return !!(
				f &&
				f.doctype === "Customer" &&
				f.docname === name &&
				f.doc &&
				!f.doc.__islocal &&
				document.querySelector(".form-layout")
			);
		},
	},
	page: {
		url: (name) => deskUrl("customer-360", name),
		ready: () =>
			!!document.querySelector(".c360-pane.c360-tab-overview[data-state=ready]") &&
			!document.querySelector(".c360-pane[data-state=loading]"),
	},
};

async function measure(context, view, name) {
	const page = await context.newPage();
	const inflight = new Set();
	let lastDone = 0;
	const api = (r) =>
		["xhr", "fetch"].includes(r.resourceType()) && !r.url().includes("/socket.io/");
	page.on("request", (r) => api(r) && inflight.add(r));
	const done = (r) => {
		if (inflight.delete(r)) lastDone = Date.now();
	};
	page.on("requestfinished", done);
	page.on("requestfailed", done);
	const t0 = Date.now();
	const deadline = t0 + timeoutMs;
	let result = null;
	try {
		await page.goto(VIEWS[view].url(name), { waitUntil: "commit", timeout: timeoutMs });
		let since = null;
		while (Date.now() < deadline) {
			const left = deadline - Date.now();
			const ok = await Promise.race([
				page.evaluate(VIEWS[view].ready, name).catch(() => false),
				sleep(left).then(() => false),
			]);
			const now = Date.now();
			if (!ok) since = null;
			else if (since === null) since = now;
			if (ok && inflight.size === 0) {
				const at = Math.max(since, lastDone);
				if (now - at >= QUIET_MS) {
					result = at - t0;
					break;
				}
			}
			await sleep(50);
		}
	} catch (e) {
		result = null;
	}
	// A stalled renderer may not close politely: don't wait for it.
	await Promise.race([page.close().catch(() => {}), sleep(5000)]);
	return result;
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

await detectDesk();
const out = { runs, timeout_s: timeoutMs / 1000, quiet_ms: QUIET_MS };
for (const [who, name] of targets) {
	let context = await newContext();
	const warm = await context.newPage();
	await warm.goto(deskUrl(), { waitUntil: "load", timeout: timeoutMs }).catch(() => {});
	await warm.close();
	const times = { form: [], page: [] };
	const gaveUp = { form: false, page: false };
	for (let i = 0; i < runs; i++) {
		for (const view of i % 2 ? ["page", "form"] : ["form", "page"]) {
			if (gaveUp[view]) continue;
			const ms = await measure(context, view, name);
			times[view].push(ms);
			if (ms === null) {
				gaveUp[view] = true;
				// The stuck page may keep its renderer busy: start a fresh context for what follows.
				await Promise.race([context.close().catch(() => {}), sleep(10000)]);
				context = await newContext();
			}
		}
	}
	await Promise.race([context.close().catch(() => {}), sleep(10000)]);
	out[who] = { customer: name };
	for (const view of ["form", "page"]) {
		const ok = times[view].filter((t) => t !== null);
		out[who][view] = {
			runs: times[view].length,
			ready_runs: ok.length,
			median_ms: ok.length ? Math.round(median(ok)) : null,
			all_ms: times[view],
		};
	}
}
await browser.close();
console.log(JSON.stringify(out));

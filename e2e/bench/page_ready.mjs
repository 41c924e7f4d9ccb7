// Browser row of `bench --site SITE customer-360 benchmark`: how long a user waits, in headless Chromium, for
// ERPNext's Customer form and for the Customer 360 page of the same customer to be ready.
//
//   C360_URL=http://127.0.0.1:PORT C360_SITE=site.localhost C360_ADMIN_PASSWORD=admin \
//     node e2e/bench/page_ready.mjs --runs 3 --timeout 60 typical=CUSTOMER whale=CUSTOMER
//
// Each view is measured two ways: "load", its URL opened in a fresh tab (the desk boots, then the view loads),
// and "route", the desk already open and settled on the Customer list, then frappe.set_route to the view (what
// a click on a customer in the list does: the view's own cost). Keys: form, page, form_route, page_route.
// Ready = the view's own "done" signal holds (form: cur_frm shows the customer; 360: the overview pane has
// data-state=ready and no pane is loading) AND no XHR/fetch of the page is in flight, confirmed by QUIET_MS of
// quiet; the time is from navigation start (or set_route) to the later of the two. The main thread is asked through
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
		route: (name) => ["Form", "Customer", name],
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
		route: (name) => ["customer-360", name],
		ready: () =>
			!!document.querySelector(".c360-pane.c360-tab-overview[data-state=ready]") &&
			!document.querySelector(".c360-pane[data-state=loading]"),
	},
};

// The desk itself, settled: its boot is done and no request has been in flight for QUIET_MS.
const deskReady = () =>
	!!(window.frappe && frappe.boot && frappe.router && document.querySelector(".page-container"));

// Polls `ready` until it holds with no API request in flight for QUIET_MS; the time (ms since t0) at which that
// began, or null when the deadline passes first.
async function waitReady(page, tracker, ready, arg, t0, deadline) {
	let since = null;
	while (Date.now() < deadline) {
		const left = deadline - Date.now();
		const ok = await Promise.race([
			page.evaluate(ready, arg).catch(() => false),
			sleep(left).then(() => false),
		]);
		const now = Date.now();
		if (!ok) since = null;
		else if (since === null) since = now;
		if (ok && tracker.inflight.size === 0) {
			const at = Math.max(since, tracker.lastDone);
			if (now - at >= QUIET_MS) return at - t0;
		}
		await sleep(50);
	}
	return null;
}

// mode "load": the view's URL typed into the address bar (the desk boots, then the view loads).
// mode "route": the desk is already open on the Customer list and settled; the user goes to the view from
// there (frappe.set_route, what a click does), so the figure is the view's own cost.
async function measure(context, view, name, mode = "load") {
	const page = await context.newPage();
	const tracker = { inflight: new Set(), lastDone: 0 };
	const api = (r) =>
		["xhr", "fetch"].includes(r.resourceType()) && !r.url().includes("/socket.io/");
	page.on("request", (r) => api(r) && tracker.inflight.add(r));
	const done = (r) => {
		if (tracker.inflight.delete(r)) tracker.lastDone = Date.now();
	};
	page.on("requestfinished", done);
	page.on("requestfailed", done);
	let result = null;
	try {
		if (mode === "route") {
			const start = Date.now();
			await page.goto(deskUrl("customer"), { waitUntil: "commit", timeout: timeoutMs });
			if (
				(await waitReady(page, tracker, deskReady, null, start, start + timeoutMs)) ===
				null
			)
				throw new Error("desk not ready");
			const t0 = Date.now();
			await page.evaluate((route) => frappe.set_route(...route), VIEWS[view].route(name));
			result = await waitReady(page, tracker, VIEWS[view].ready, name, t0, t0 + timeoutMs);
		} else {
			const t0 = Date.now();
			await page.goto(VIEWS[view].url(name), { waitUntil: "commit", timeout: timeoutMs });
			result = await waitReady(page, tracker, VIEWS[view].ready, name, t0, t0 + timeoutMs);
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
	const keys = ["form", "page", "form_route", "page_route"];
	const times = Object.fromEntries(keys.map((k) => [k, []]));
	const gaveUp = Object.fromEntries(keys.map((k) => [k, false]));
	for (let i = 0; i < runs; i++) {
		for (const key of i % 2 ? [...keys].reverse() : keys) {
			if (gaveUp[key]) continue;
			const [view, mode] = key.split("_");
			const ms = await measure(context, view, name, mode || "load");
			times[key].push(ms);
			if (ms === null) {
				gaveUp[key] = true;
				// The stuck page may keep its renderer busy: start a fresh context for what follows.
				await Promise.race([context.close().catch(() => {}), sleep(10000)]);
				context = await newContext();
			}
		}
	}
	await Promise.race([context.close().catch(() => {}), sleep(10000)]);
	out[who] = { customer: name };
	for (const key of keys) {
		const ok = times[key].filter((t) => t !== null);
		out[who][key] = {
			runs: times[key].length,
			ready_runs: ok.length,
			median_ms: ok.length ? Math.round(median(ok)) : null,
			all_ms: times[key],
		};
	}
}
await browser.close();
console.log(JSON.stringify(out));

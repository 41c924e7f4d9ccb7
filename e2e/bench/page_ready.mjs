// Browser row of `bench --site SITE customer-360 benchmark`: how long a user waits, in headless Chromium, for
// ERPNext's Customer form and for the Customer 360 page of the same customer to be ready.
//
//   C360_URL=http://127.0.0.1:PORT C360_SITE=site.localhost C360_ADMIN_PASSWORD=admin \
//     node e2e/bench/page_ready.mjs --runs 3 --timeout 60 typical=CUSTOMER whale=CUSTOMER
//
// Each view is measured two ways: "load", its URL opened in a fresh tab (the desk boots, then the view loads),
// and "route", the desk already open and settled on the Customer list, then frappe.set_route to the view (what
// a click on a customer in the list does: the view's own cost). The 360 page also a third way, "button": from
// the customer's settled form, a click on its "Customer 360" button, the way users open it (typical customer
// only: the whale's form never settles). Keys: form, page, form_route, page_route, page_button; and web, the 360's
// web view (/customer-360/<name>, no desk), its URL typed.
// Ready = the view's own "done" signal holds (form: cur_frm shows the customer; 360: the overview pane has
// data-state=ready and no pane is loading) AND no XHR/fetch of the page is in flight, confirmed by QUIET_MS of
// quiet. The signal is watched inside the page (on every DOM change and every 10 ms) and every time is on the
// browser's clock: from navigation start (or the set_route call) to the later of the signal and the end of the
// last API response. A poll from here would add its own 0-60 ms to each view. A page whose main thread stalls
// answers neither its watcher nor page.evaluate, so it is not ready. A view not ready within --timeout seconds is
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
	// The 360's first screen without the desk (/customer-360/<name>, rendered on the server): ready when its
	// HTML has arrived and the page has loaded (stylesheets and scripts included), so it is ready as seen.
	web: {
		url: (name) => `/customer-360/${encodeURIComponent(name)}`,
		ready: () =>
			!!document.querySelector(".c360-web[data-state=ready]") &&
			document.readyState === "complete",
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

// The view's ready condition, watched inside the page (every DOM change and every 10 ms) so that the time is the
// page's own, not that of a poll from here: window.__c360_since holds the wall-clock time (ms) at which the
// condition began to hold, null while it does not. Installed before the view starts; `fn` is the condition's source.
const watcher = (fn, arg) => `(() => {
	const ready = ${fn};
	window.__c360_ready = () => ready(${JSON.stringify(arg)});
	window.__c360_since = null;
	if (window.__c360_watching) return;
	window.__c360_watching = true;
	const check = () => {
		let ok = false;
		try { ok = !!window.__c360_ready(); } catch (e) { ok = false; }
		if (!ok) window.__c360_since = null;
		else if (window.__c360_since == null) window.__c360_since = performance.timeOrigin + performance.now();
	};
	setInterval(check, 10);
	const observe = () => new MutationObserver(check).observe(document.documentElement, {
		subtree: true, childList: true, attributes: true,
	});
	if (document.documentElement) observe(); else document.addEventListener("readystatechange", observe, { once: true });
})();`;

// Waits until the watched condition holds with no API request in flight for QUIET_MS; the time (ms since t0, both
// wall-clock) at which that began, or null when the deadline passes first.
async function waitReady(page, tracker, t0, deadline) {
	while (Date.now() < deadline) {
		const left = deadline - Date.now();
		const since = await Promise.race([
			page.evaluate(() => window.__c360_since).catch(() => null),
			sleep(left).then(() => null),
		]);
		if (since != null && tracker.inflight.size === 0) {
			const at = Math.max(since, tracker.lastDone);
			if (Date.now() - at >= QUIET_MS) return at - t0;
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
	// The form's figure is ERPNext's own: the requests this app adds to the Customer form (its duplicate warning)
	// are not waited for, so they cannot lengthen the anchor.
	const ours = (r) => view === "form" && r.url().includes("/api/method/customer_360.");
	const api = (r) =>
		["xhr", "fetch"].includes(r.resourceType()) &&
		!r.url().includes("/socket.io/") &&
		!ours(r);
	page.on("request", (r) => api(r) && tracker.inflight.add(r));
	const done = (r) => {
		if (!tracker.inflight.delete(r)) return;
		// When the response ended, by the browser's own timing (wall clock), else now.
		const t = r.timing();
		const end =
			t && t.startTime > 0 && t.responseEnd >= 0 ? t.startTime + t.responseEnd : Date.now();
		tracker.lastDone = Math.max(tracker.lastDone, end);
	};
	page.on("requestfinished", done);
	page.on("requestfailed", done);
	let result = null;
	try {
		if (mode === "route") {
			const start = Date.now();
			await page.addInitScript(watcher(deskReady.toString(), null));
			await page.goto(deskUrl("customer"), { waitUntil: "commit", timeout: timeoutMs });
			if ((await waitReady(page, tracker, start, start + timeoutMs)) === null)
				throw new Error("desk not ready");
			await page.evaluate(watcher(VIEWS[view].ready.toString(), name));
			// t0: the click, on the page's clock.
			const t0 = await page.evaluate((route) => {
				const t = performance.timeOrigin + performance.now();
				frappe.set_route(...route);
				return t;
			}, VIEWS[view].route(name));
			result = await waitReady(page, tracker, t0, Date.now() + timeoutMs);
		} else if (mode === "button") {
			// From the customer's form, settled, a click on its "Customer 360" button.
			const start = Date.now();
			await page.addInitScript(watcher(VIEWS.form.ready.toString(), name));
			await page.goto(VIEWS.form.url(name), { waitUntil: "commit", timeout: timeoutMs });
			if ((await waitReady(page, tracker, start, start + timeoutMs)) === null)
				throw new Error("form not ready");
			await page.evaluate(watcher(VIEWS[view].ready.toString(), name));
			const t0 = await page.evaluate((label) => {
				const button = [...document.querySelectorAll("button")].find(
					(b) => b.textContent.trim() === label
				);
				const t = performance.timeOrigin + performance.now();
				button.click();
				return t;
			}, "Customer 360");
			result = await waitReady(page, tracker, t0, Date.now() + timeoutMs);
		} else {
			await page.addInitScript(watcher(VIEWS[view].ready.toString(), name));
			const deadline = Date.now() + timeoutMs;
			await page.goto(VIEWS[view].url(name), { waitUntil: "commit", timeout: timeoutMs });
			// t0: the navigation's start, on the page's clock.
			const t0 = await page.evaluate(() => performance.timeOrigin);
			result = await waitReady(page, tracker, t0, deadline);
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
	// The whale's form never settles, so the 360 is not opened from it.
	const keys = ["form", "page", "web", "form_route", "page_route"];
	if (who !== "whale") keys.push("page_button");
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

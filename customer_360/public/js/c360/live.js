// Live updates: the server publishes "customer_360_timeline" to the Customer's document room after indexing
// (customer_360/realtime.py); without a socket connection (e.g. `bench serve` without the socketio process)
// the page polls the newest event every 15 s instead. Either way the timeline API decides what is shown.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { get } = customer_360.c360;

	const EVENT = "customer_360_timeline";
	const POLL_MS = 15000;

	class LiveUpdates {
		constructor(page) {
			this.page = page;
			this.customer = page.customer;
			this.on_message = (msg) => {
				if (msg && msg.customer === this.customer) this.refresh("socket");
			};
		}

		connected() {
			return Boolean(
				frappe.realtime && frappe.realtime.socket && frappe.realtime.socket.connected
			);
		}

		start() {
			if (this.running) return;
			this.running = true;
			if (frappe.realtime && frappe.realtime.socket) {
				frappe.realtime.on(EVENT, this.on_message);
				frappe.realtime.doc_subscribe("Customer", this.customer);
			}
			this.check("start"); // remember the newest event now, so the first poll can tell what is new
			this.timer = setInterval(() => {
				if (!document.hidden && !this.connected()) this.check("poll");
			}, POLL_MS);
			this.mark();
		}

		stop() {
			if (!this.running) return;
			this.running = false;
			clearInterval(this.timer);
			if (frappe.realtime && frappe.realtime.socket) {
				frappe.realtime.off(EVENT, this.on_message);
				frappe.realtime.doc_unsubscribe("Customer", this.customer);
			}
		}

		// After a quick action: the event is indexed by a background job right after commit; look a few times.
		soon() {
			for (const ms of [1500, 4000, 9000])
				setTimeout(() => this.running && this.check("action"), ms);
		}

		// What changes when an event is added or removed: the per-type counts (cached on the server until the index
		// changes, so this is cheap). Not the newest event alone: a future-dated one (a task due next week, an
		// order dated tomorrow) stays on top while new events arrive below it.
		static probe_read(customer) {
			return ["timeline.get_timeline", { customer, limit: 1 }]; // the page prefetches the first probe
		}

		async probe() {
			const r = await get(...LiveUpdates.probe_read(this.customer));
			return JSON.stringify([r.counts || {}, (r.events[0] && r.events[0].name) || null]);
		}

		async check(via) {
			try {
				const top = await this.probe();
				if (this.top === undefined) this.top = top;
				if (top && top !== this.top) {
					this.top = top;
					await this.refresh(via);
				}
			} catch (e) {
				console.warn("customer_360: live check failed", e);
			}
		}

		async refresh(via) {
			if (this.busy) return;
			this.busy = true;
			try {
				const fresh = await this.page.on_new_events();
				this.last = { via, fresh, at: new Date().toISOString() };
				this.mark();
			} catch (e) {
				console.warn("customer_360: live refresh failed", e);
			} finally {
				this.busy = false;
			}
		}

		// For people and tests: how this page is kept live right now.
		mark() {
			this.page.$body.attr("data-live-mode", this.connected() ? "socket" : "poll");
			if (this.last) this.page.$body.attr("data-live-last", this.last.via);
		}
	}

	Object.assign(customer_360.c360, { LiveUpdates });
})();

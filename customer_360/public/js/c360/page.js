// The Customer 360 page: header (badges, health gauge), quick actions, lazily loaded tabs, live updates.
// Every figure shown comes from the APIs, which mask on the server; this code never decides what a role sees.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace. Names and every other
// server value are rendered as text (see util.js).
frappe.provide("customer_360.c360");

(function () {
	const {
		desk_url,
		esc,
		get,
		in_panel,
		overview_reads,
		pill,
		prefetch,
		gauge,
		set_page_title,
		QuickActions,
		LiveUpdates,
		TABS,
	} = customer_360.c360;

	// The first screen's reads (header badges, the overview) start together with the profile instead of after
	// it: one round trip less before the page is ready. The capabilities arrive with the profile, so the reads
	// that need one are started anyway; without it the server answers them masked, at no cost. Also called by the
	// Customer form's "Customer 360" button, so that the request runs while the desk changes views.
	function prefetch_first_screen(customer, tab = null) {
		const reads = [
			["overview.get_profile", { customer }],
			["risk.get_flags", { customer }],
			["merge.duplicate_warning", { customer }],
			["health.get_health", { customer }],
			["account.get_lifecycle", { customer }],
			LiveUpdates.probe_read(customer),
		];
		if (!tab || tab === "overview")
			reads.push(...Object.values(overview_reads(customer, { see_finance: true })));
		prefetch(customer, reads.filter(Boolean));
	}

	class Customer360Page {
		constructor(page, wrapper) {
			this.page = page;
			this.wrapper = wrapper;
			this.$body = $(`<div class="c360-page"></div>`).appendTo(page.main);
		}

		show(customer, tab) {
			if (!customer) {
				this.stop();
				this.customer = null;
				this.page.set_title(__("Customer 360"));
				this.$body.html(
					`<div class="text-muted c360-empty p-3">${__(
						'Open a Customer and press "Customer 360", or use the {0}.',
						[
							`<a href="${esc(desk_url("customer-360-directory"))}">${__("Customer directory")}</a>`,
						]
					)}</div>`
				);
				return;
			}
			if (customer === this.customer) {
				if (tab && this.tabs) this.activate(tab);
				if (this.live) this.live.start();
				return;
			}
			this.stop();
			this.customer = customer;
			this.$body.html(`<div class="text-muted p-3">${__("Loading…")}</div>`);
			this.prefetch_first_screen(customer, tab);
			get("overview.get_profile", { customer })
				.then((profile) => {
					if (customer !== this.customer) return;
					this.render(profile, tab);
				})
				.catch(async (e) => {
					// A merged customer's name (a bookmark, an old link) leads to the survivor.
					const r = await get("merge.resolve", { customer }).catch(() => null);
					if (customer === this.customer && r && r.resolved && r.resolved !== customer) {
						frappe.show_alert({
							// show_alert renders its message as HTML
							message: __("{0} was merged into {1}.", [
								esc(customer),
								esc(r.resolved),
							]),
							indicator: "blue",
						});
						frappe.set_route("customer-360", r.resolved);
						return;
					}
					this.$body.html(
						`<div class="text-danger c360-error p-3">${esc(__("Could not load customer {0}.", [customer]))}
							<div class="text-muted small">${esc(e.message || "")}</div></div>`
					);
				});
		}

		stop() {
			if (this.live) this.live.stop();
		}

		prefetch_first_screen(customer, tab) {
			prefetch_first_screen(customer, tab);
		}

		render(profile, tab) {
			this.profile = profile;
			this.caps = profile.capabilities || {};
			set_page_title(this.page, profile.customer_name || profile.name);
			this.$body.html(`
				<div class="c360-header frappe-card p-3 mb-3"></div>
				<div class="c360-quick-actions mb-3"></div>
				<ul class="nav nav-tabs c360-tabs mb-3" role="tablist"></ul>
				<div class="c360-tab-panes"></div>
			`);
			this.render_header();
			this.page.clear_actions_menu();
			this.page.set_secondary_action(__("Open Customer"), () =>
				frappe.set_route("Form", "Customer", profile.name)
			);
			this.actions = new QuickActions(this, this.$body.find(".c360-quick-actions"));
			this.render_tabs();
			this.activate(tab || "overview");
			this.live = new LiveUpdates(this);
			this.live.start();
		}

		// ------------------------------------------------------------------ header
		render_header() {
			const p = this.profile;
			const meta = [p.customer_type, p.customer_group, p.territory]
				.filter(Boolean)
				.map((v) => esc(__(v)))
				.join(" · ");
			const contact = [
				p.primary_contact
					? `<a href="${esc(frappe.utils.get_form_link("Contact", p.primary_contact))}">${esc(p.primary_contact)}</a>`
					: "",
				p.email_id ? `<a href="mailto:${esc(p.email_id)}">${esc(p.email_id)}</a>` : "",
				p.mobile_no ? `<a href="tel:${esc(p.mobile_no)}">${esc(p.mobile_no)}</a>` : "",
			].filter(Boolean);
			const $h = this.$body.find(".c360-header").html(`
				<div class="c360-header-main">
					<h3 class="c360-customer-name mb-1">${esc(p.customer_name || p.name)}</h3>
					<div class="text-muted c360-meta">${meta}</div>
					<div class="small c360-owner">${__("Account owner")}: ${esc(p.account_manager_name || p.account_manager || __("none"))}
						${p.parent_customer ? ` · ${__("Part of")} <a href="${esc(desk_url("customer-360", p.parent_customer))}">${esc(p.parent_customer)}</a>` : ""}</div>
					<div class="small c360-contact">${contact.join(" · ")}</div>
					<div class="c360-badges mt-2">${pill(p.disabled ? __("Disabled") : __("Active"), p.disabled ? "gray" : "green", "c360-badge c360-status")}</div>
				</div>
				<div class="c360-gauge-wrap"></div>`);
			this.load_badges($h);
		}

		load_badges($h) {
			const customer = this.customer;
			const $badges = $h.find(".c360-badges");
			const add = (key, label, color) =>
				$badges.append(pill(label, color, `c360-badge c360-badge-${key}`));
			// Each source is independent: one failing leaves the others (and the page) alone.
			get("risk.get_flags", { customer })
				.then((r) => {
					const review = r.masked ? r.under_review : (r.flags || []).length > 0;
					if (review) add("under-review", __("Under review"), "red");
				})
				.catch((e) => console.warn("customer_360: flags badge", e));
			customer_360.c360.lifecycle_badge($badges, customer); // stage and its history (c360/account.js)
			get("merge.duplicate_warning", { customer })
				.then((w) => {
					// `count` for everyone; the names only for who may merge.
					const n = w.count || (w.matches || []).length;
					if (!n) return;
					add("duplicates", __("Possible duplicates: {0}", [n]), "orange");
					$badges
						.find(".c360-badge-duplicates")
						.attr(
							"title",
							(w.matches || [])
								.map((m) => m.customer_name || m.customer || m.name)
								.join(", ")
						);
				})
				.catch((e) => console.warn("customer_360: duplicates badge", e));
			if (!this.caps.see_risk) return;
			get("health.get_health", { customer })
				.then((h) => {
					if (h.masked) return;
					this.health = h;
					if (h.signals?.vip) add("vip", __("VIP"), "purple");
					if (h.signals?.dormant) add("dormant", __("Dormant"), "orange");
					$h.find(".c360-gauge-wrap").html(gauge(h.score, h.band));
				})
				.catch((e) =>
					$h
						.find(".c360-gauge-wrap")
						.html(
							`<div class="text-danger small c360-panel-error">${esc(__("Health unavailable"))}</div>`
						)
				);
		}

		// ------------------------------------------------------------------ tabs (lazy: a tab loads when first shown)
		render_tabs() {
			const $nav = this.$body.find(".c360-tabs").empty();
			const $panes = this.$body.find(".c360-tab-panes").empty();
			this.tabs = {};
			for (const tab of TABS) {
				if (tab.visible && !tab.visible(this.caps)) continue;
				const $link = $(
					`<li class="nav-item"><a class="nav-link c360-tab" href="#" data-tab="${tab.key}">${esc(tab.label())}</a></li>`
				);
				$link.find("a").on("click", (e) => {
					e.preventDefault();
					this.activate(tab.key);
				});
				$nav.append($link);
				const $pane = $(
					`<div class="c360-pane c360-tab-${tab.key} frappe-card p-3" data-tab="${tab.key}" style="display:none"></div>`
				).appendTo($panes);
				this.tabs[tab.key] = { def: tab, $pane, loaded: false, stale: false };
			}
		}

		activate(key) {
			if (!this.tabs[key]) key = "overview";
			this.active = key;
			this.$body
				.find(".c360-tab")
				.removeClass("active")
				.filter(`[data-tab="${key}"]`)
				.addClass("active");
			// style.display, not jQuery's toggle: that reads each pane's computed style (a style recalculation).
			for (const [k, t] of Object.entries(this.tabs))
				t.$pane[0].style.display = k === key ? "" : "none";
			const t = this.tabs[key];
			if (!t.loaded || t.stale) this.load_tab(key);
			// The tab in the URL, for a reload or a shared link; the overview is the page's own URL, so that opening
			// the page writes no history entry.
			const parts = ["customer-360", this.customer, ...(key === "overview" ? [] : [key])];
			const url = desk_url(...parts);
			if (window.location.pathname !== url)
				window.history.replaceState(window.history.state, "", url);
		}

		load_tab(key) {
			const t = this.tabs[key];
			t.loaded = true;
			t.stale = false;
			t.instance = null;
			t.$pane.attr("data-state", "loading");
			in_panel(t.$pane, async ($body) => {
				t.instance = await t.def.load($body, this);
			}).then((ok) => t.$pane.attr("data-state", ok ? "ready" : "error"));
		}

		// A write on this page or a live event: the timeline tab takes new events in place, other loaded tabs reload
		// when shown (the active one now).
		changed(what = null) {
			for (const [key, t] of Object.entries(this.tabs || {})) {
				if (!t.loaded || key === "timeline") continue;
				if (what && t.def.depends && !t.def.depends.includes(what)) continue;
				if (key === this.active) this.load_tab(key);
				else t.stale = true;
			}
		}

		async on_new_events() {
			const t = this.tabs?.timeline;
			let fresh = 0;
			if (t?.instance?.check_new) fresh = await t.instance.check_new();
			this.changed("events");
			return fresh;
		}
	}

	Object.assign(customer_360.c360, { Customer360Page, prefetch_first_screen });
})();

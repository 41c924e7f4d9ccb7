// Event lists read from the timeline index: the Timeline tab (chips with counts, date range, search, infinite
// scroll, expandable items) and the narrower lists built on it (Quotes & Orders, Service, recent activity).
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { esc, form_link, get, label_of, masked, pill, type_label, vocabulary, when } =
		customer_360.c360;

	class EventList {
		// opts: customer, types (fixed event types), keep (client-side row filter), toolbar (chips/search/dates),
		// limit, infinite (scroll paging), empty_text
		constructor($parent, opts) {
			this.opts = Object.assign(
				{ toolbar: false, infinite: true, limit: 30, types: [] },
				opts
			);
			this.customer = opts.customer;
			this.chosen_types = [];
			this.facet = null; // a key of the server's timeline_facets (forms & bookings ...)
			this.actor = null; // only this user's events
			this.search = "";
			this.from_date = null;
			this.to_date = null;
			this.seen = new Set();
			this.$el = $(`
				<div class="c360-timeline">
					<div class="c360-timeline-toolbar d-flex flex-wrap align-items-center mb-3" style="gap: 6px">
						<div class="c360-chips d-flex flex-wrap" style="gap: 6px"></div>
						<div class="ml-auto d-flex flex-wrap align-items-center c360-dates" style="gap: 4px; max-width: 280px">
							<input type="date" class="form-control form-control-sm c360-from" style="width: 130px" title="${esc(__("From"))}">
							<span class="text-muted small">–</span>
							<input type="date" class="form-control form-control-sm c360-to" style="width: 130px" title="${esc(__("To"))}">
						</div>
						<div class="c360-actor" style="width: 180px" title="${esc(__("Only what this user did"))}"></div>
						<input type="search" class="form-control form-control-sm c360-search" style="max-width: 220px"
							placeholder="${esc(__("Search timeline, emails and notes"))}">
					</div>
					<div class="c360-events"></div>
					<div class="c360-more text-muted text-center small p-2"></div>
				</div>`).appendTo($parent);
			if (!this.opts.toolbar) this.$el.find(".c360-timeline-toolbar").remove();
			else this.make_actor_picker();
			this.$events = this.$el.find(".c360-events");
			this.$more = this.$el.find(".c360-more");
			this.bind();
		}

		bind() {
			this.$el.find(".c360-search").on(
				"input",
				frappe.utils.debounce((e) => {
					this.search = e.target.value.trim();
					this.refresh();
				}, 300)
			);
			this.$el.find(".c360-from, .c360-to").on("change", () => {
				this.from_date = this.$el.find(".c360-from").val() || null;
				this.to_date = this.$el.find(".c360-to").val() || null;
				this.refresh();
			});
			this.$events.on("click", ".c360-toggle", (e) => {
				if ($(e.target).closest("a").length) return; // links navigate, the rest of the row expands
				$(e.currentTarget).closest(".c360-event").toggleClass("expanded");
			});
			if (this.opts.infinite) {
				// Infinite scroll: the "more" marker entering the viewport loads the next page.
				this.observer = new IntersectionObserver((entries) => {
					if (entries.some((e) => e.isIntersecting) && this.cursor && !this.loading)
						this.load();
				});
				this.observer.observe(this.$more[0]);
			}
		}

		// Who did it: a Link to User (Frappe's own user search); the server checks the id and filters by it.
		make_actor_picker() {
			const $slot = this.$el.find(".c360-actor");
			this.actor_control = frappe.ui.form.make_control({
				parent: $slot,
				df: {
					fieldtype: "Link",
					options: "User",
					fieldname: "c360_actor",
					only_select: 1, // a filter: no "Create a new User"
					placeholder: __("Anyone"),
					change: () => {
						const value = this.actor_control.get_value() || null;
						if (value === this.actor) return;
						this.actor = value;
						this.refresh();
					},
				},
				render_input: true,
				only_input: true,
			});
			this.actor_control.$input
				.addClass("input-sm c360-actor-input")
				.attr("aria-label", __("Who"))
				// Emptying the box means anyone again (a Link control reports an empty value only on blur).
				.on("input", (e) => {
					if (e.target.value.trim() || !this.actor) return;
					this.actor = null;
					this.refresh();
				});
		}

		args(cursor, limit) {
			const types = this.chosen_types.length ? this.chosen_types : this.opts.types;
			return {
				customer: this.customer,
				cursor: cursor || null,
				limit: limit || this.opts.limit,
				event_types: types.length ? types.join(",") : null,
				from_date: this.from_date,
				to_date: this.to_date ? frappe.datetime.add_days(this.to_date, 1) : null, // inclusive end day
				search: this.search || null,
				actor: this.actor || null,
				facet: this.facet || null,
			};
		}

		refresh() {
			this.cursor = null;
			this.seen.clear();
			this.$events.empty();
			return this.load(true);
		}

		async load(first = false) {
			this.loading = true;
			this.$more.text(__("Loading…")).attr("data-state", "loading");
			const request_id = (this.request_id = (this.request_id || 0) + 1);
			try {
				let shown = 0;
				let r;
				// A client-side filter (keep) may drop a whole page: keep paging until something shows or history ends.
				do {
					r = await get("timeline.get_timeline", this.args(first ? null : this.cursor));
					if (request_id !== this.request_id) return; // a newer filter won
					if (r.counts && this.opts.toolbar) this.render_chips(r.counts, r.facet_counts);
					if (r.counts) this.counts = r.counts;
					for (const ev of r.events) {
						if (this.opts.keep && !this.opts.keep(ev)) continue;
						if (this.seen.has(ev.name)) continue;
						this.seen.add(ev.name);
						this.$events.append(render_event(ev));
						shown++;
					}
					this.cursor = r.next_cursor;
					first = false;
				} while (this.opts.infinite && this.cursor && shown < 5);
				const count = this.$events.children().length;
				this.$more.attr("data-state", this.cursor ? "more" : "end");
				this.$more.html(
					this.cursor
						? ""
						: count
							? esc(__("Beginning of history"))
							: esc(this.opts.empty_text || __("Nothing here yet"))
				);
			} catch (e) {
				if (request_id !== this.request_id) return;
				this.$more.attr("data-state", "error")
					.html(`<span class="text-danger c360-timeline-error">${esc(__("Could not load the timeline."))}
					${esc(e.message || "")}</span>`);
			} finally {
				if (request_id === this.request_id) this.loading = false;
			}
		}

		// Live update: fetch the newest page with the current filters and put unseen events on top.
		async check_new() {
			if (this.loading) return 0;
			const r = await get("timeline.get_timeline", this.args(null, 20));
			if (r.counts && this.opts.toolbar) this.render_chips(r.counts, r.facet_counts);
			const fresh = r.events.filter(
				(ev) => !this.seen.has(ev.name) && (!this.opts.keep || this.opts.keep(ev))
			);
			fresh.reverse().forEach((ev) => {
				this.seen.add(ev.name);
				this.$events.prepend(render_event(ev).addClass("c360-new"));
			});
			if (
				fresh.length &&
				this.$more.text() === (this.opts.empty_text || __("Nothing here yet"))
			) {
				this.$more.text(__("Beginning of history"));
			}
			return fresh.length;
		}

		render_chips(counts, facet_counts) {
			const $chips = this.$el.find(".c360-chips").empty();
			Object.entries(counts).forEach(([type, n]) => {
				if (!n && !this.chosen_types.includes(type)) return;
				const active = this.chosen_types.includes(type);
				$(`<button class="btn btn-xs ${active ? "btn-primary" : "btn-default"} c360-chip" data-type="${esc(type)}">
						${esc(type_label(type))} <span class="c360-chip-count">${esc(n)}</span>
					</button>`)
					.on("click", () => {
						this.chosen_types = active
							? this.chosen_types.filter((t) => t !== type)
							: [...this.chosen_types, type];
						this.refresh();
					})
					.appendTo($chips);
			});
			// Facets cut across the types (the server's vocabulary and counts): one at a time.
			vocabulary("timeline_facets").forEach(({ value }) => {
				const n = (facet_counts || {})[value] || 0;
				const active = this.facet === value;
				if (!n && !active) return;
				$(`<button class="btn btn-xs ${active ? "btn-primary" : "btn-default"} c360-chip c360-facet-chip"
						data-facet="${esc(value)}">
						${esc(label_of("timeline_facets", value))} <span class="c360-chip-count">${esc(n)}</span>
					</button>`)
					.on("click", () => {
						this.facet = active ? null : value;
						this.refresh();
					})
					.appendTo($chips);
			});
			if (this.chosen_types.length || this.facet) {
				$(`<button class="btn btn-xs btn-link c360-chip-clear">${__("Clear")}</button>`)
					.on("click", () => {
						this.chosen_types = [];
						this.facet = null;
						this.refresh();
					})
					.appendTo($chips);
			}
		}
	}

	function render_event(ev) {
		let amount = "";
		if (ev.masked) amount = masked();
		else if (ev.amount !== null && ev.amount !== undefined)
			amount = `<span class="c360-amount">${esc(format_currency(ev.amount, ev.currency))}</span>`;
		const link = frappe.utils.get_form_link(ev.source_doctype, ev.source_name);
		const details = [
			[
				__("Document"),
				form_link(
					ev.source_doctype,
					ev.source_name,
					`${__(ev.source_doctype)} ${ev.source_name}`
				),
			],
			[__("What"), esc(frappe.unscrub(ev.kind || ""))],
			[__("When"), esc(frappe.datetime.str_to_user(ev.event_time))],
			ev.actor ? [__("By"), esc(frappe.user.full_name(ev.actor))] : null,
			ev.contact ? [__("Contact"), form_link("Contact", ev.contact)] : null,
			ev.company ? [__("Company"), esc(ev.company)] : null,
		].filter(Boolean);
		return $(`
			<div class="c360-event py-2 border-bottom ${ev.cancelled ? "text-muted" : ""}" data-name="${esc(ev.name)}"
				data-type="${esc(ev.event_type)}" data-kind="${esc(ev.kind)}" data-doctype="${esc(ev.source_doctype)}">
				<div class="d-flex c360-toggle" title="${esc(__("Show details"))}">
					<div class="flex-grow-1" style="min-width: 0">
						<div class="text-truncate">
							${pill(type_label(ev.event_type), "gray", "mr-1")}
							<a href="${esc(link)}" class="c360-event-title">${esc(ev.title || ev.source_name)}</a>
							${ev.cancelled ? pill(__("Cancelled"), "red", "ml-1") : ""}
						</div>
						<div class="small text-muted text-truncate c360-event-summary">${esc(ev.summary || "")}</div>
					</div>
					<div class="text-right small c360-event-side" style="min-width: 120px">
						<div>${amount}</div>
						<div class="text-muted">${when(ev.event_time)}</div>
					</div>
				</div>
				<div class="c360-event-detail small mt-2 p-2">
					${ev.summary ? `<div class="mb-1" style="white-space: pre-wrap">${esc(ev.summary)}</div>` : ""}
					${details.map(([k, v]) => `<div><span class="text-muted">${esc(k)}:</span> ${v}</div>`).join("")}
				</div>
			</div>`);
	}

	Object.assign(customer_360.c360, { EventList, render_event });
})();

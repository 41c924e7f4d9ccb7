// Merge Customers tool (page customer-360-merge): find likely duplicates, choose the survivor and its
// duplicates, preview every record that moves and decide field conflicts, run the merge with a progress bar,
// undo a merge. Every call goes to customer_360.api.merge, which checks the merge capability; the page roles only
// decide who sees the menu entry. Customer names, values and reasons are shown as text (see util.js).
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { esc, post } = customer_360.c360;

	class MergeTool {
		constructor(page) {
			this.page = page;
			this.duplicates = [];
			this.preview = null;
			this.watching = null;
			this.page.set_primary_action(__("Preview"), () => this.load_preview(), "search");
			this.page.add_inner_button(__("Find Duplicates"), () => this.find_duplicates());
			this.page.add_inner_button(__("Recent Merges"), () => this.load_logs());
			this.make();
			frappe.realtime.on("customer_360_merge_progress", (data) => {
				if (this.watching && data.log === this.watching) this.show_progress(data);
			});
		}

		// A failure is shown as text by `post` (util.js); the chain then stops here rather than rejecting into
		// the console. Polling calls `post` itself, to stop on a failure.
		call(method, args) {
			return post(`merge.${method}`, args).catch(() => new Promise(() => {}));
		}

		make() {
			const $body = $(this.page.body).addClass("c360-merge");
			$body.html(`
				<div class="frappe-card p-4 mb-4">
					<div class="row">
						<div class="col-md-5 c360-survivor"></div>
						<div class="col-md-5 c360-add-duplicate"></div>
					</div>
					<div class="c360-duplicate-list mb-3"></div>
					<div class="c360-preview"></div>
					<div class="c360-progress hidden mt-3">
						<div class="progress"><div class="progress-bar" role="progressbar" style="width: 0%"></div></div>
						<div class="c360-progress-text text-muted small mt-1"></div>
					</div>
					<div class="c360-result mt-3"></div>
				</div>
				<div class="c360-logs mb-4"></div>
				<div class="c360-groups mb-4"></div>
			`);
			this.survivor = frappe.ui.form.make_control({
				parent: $body.find(".c360-survivor"),
				df: {
					fieldtype: "Link",
					options: "Customer",
					label: __("Surviving customer"),
					description: __("Keeps its name; everything else moves onto it."),
					change: () => this.reset_preview(),
				},
				render_input: true,
			});
			this.adder = frappe.ui.form.make_control({
				parent: $body.find(".c360-add-duplicate"),
				df: {
					fieldtype: "Link",
					options: "Customer",
					label: __("Add a duplicate"),
					description: __(
						"Merged into the survivor, then deleted (undo brings it back)."
					),
					change: () => {
						const value = this.adder.get_value();
						if (value) {
							this.add_duplicate(value);
							this.adder.set_value("");
						}
					},
				},
				render_input: true,
			});
		}

		show(options) {
			if (options.survivor) this.survivor.set_value(options.survivor);
			if (options.duplicates) {
				this.duplicates = [];
				String(options.duplicates)
					.split(",")
					.map((d) => d.trim())
					.filter(Boolean)
					.forEach((d) => this.add_duplicate(d));
			}
			if (options.log) this.watch(options.log);
			else this.load_logs();
		}

		add_duplicate(name) {
			if (!this.duplicates.includes(name)) this.duplicates.push(name);
			this.render_duplicates();
			this.reset_preview();
		}

		render_duplicates() {
			const $list = $(this.page.body).find(".c360-duplicate-list");
			$list.html(
				this.duplicates.length
					? this.duplicates
							.map(
								(d) => `<span class="badge badge-secondary mr-2 p-2">${esc(d)}
									<a href="#" class="ml-1" data-remove="${esc(d)}">×</a></span>`
							)
							.join("")
					: `<span class="text-muted">${__("No duplicates chosen yet.")}</span>`
			);
			$list.find("[data-remove]").on("click", (e) => {
				e.preventDefault();
				const name = $(e.currentTarget).attr("data-remove");
				this.duplicates = this.duplicates.filter((d) => d !== name);
				this.render_duplicates();
				this.reset_preview();
			});
		}

		reset_preview() {
			this.preview = null;
			$(this.page.body).find(".c360-preview").empty();
		}

		// ------------------------------------------------------------ preview

		load_preview() {
			const survivor = this.survivor.get_value();
			this.call("preview", { survivor, duplicates: this.duplicates }).then((p) => {
				this.preview = p;
				this.render_preview(p);
			});
		}

		render_preview(p) {
			const label = (n) => esc(`${p.customers[n].customer_name} (${n})`);
			const docs = p.documents
				.map(
					(d) =>
						`<tr><td>${esc(__(d.doctype))}</td><td class="text-right">${esc(d.count)}</td></tr>`
				)
				.join("");
			const fields = p.fields
				.map(
					(
						f
					) => `<tr><td>${esc(__(f.doctype))}</td><td>${esc(f.field)}</td><td>${esc(f.kind)}</td>
						<td class="text-right">${esc(f.count)}</td></tr>`
				)
				.join("");
			const conflicts = p.conflicts
				.map((c) => {
					const options = Object.entries(c.values)
						.map(
							([customer, value]) => `<label class="mr-4">
								<input type="radio" name="c360-choice-${esc(c.field)}" value="${esc(customer)}"
									${customer === c.default ? "checked" : ""}>
								${esc(String(value))} <span class="text-muted small">${esc(customer)}</span></label>`
						)
						.join("");
					return `<tr><td>${esc(c.label)}</td><td>${options}</td></tr>`;
				})
				.join("");
			const children = p.child_rows
				.map(
					(c) =>
						`<li>${__("{0}: {1} row(s) copied to the survivor", [esc(__(c.table)), esc(c.count)])}</li>`
				)
				.join("");
			$(this.page.body)
				.find(".c360-preview")
				.html(
					`<h5>${__("Merge {0} into {1}", [p.losers.map(label).join(", "), label(p.survivor)])}</h5>
					<p>${__("{0} documents ({1} fields) move to the survivor.", [esc(p.total_documents), esc(p.total_rows)])}
						${__("{0} timeline events follow.", [esc(p.timeline_events)])}
						${p.dropped_health_scores ? __("{0} health scores for days the survivor already has are kept only in the snapshot.", [esc(p.dropped_health_scores)]) : ""}</p>
					<div class="row">
						<div class="col-md-5"><table class="table table-sm table-bordered">
							<thead><tr><th>${__("Document Type")}</th><th class="text-right">${__("Documents")}</th></tr></thead>
							<tbody>${docs || `<tr><td colspan="2" class="text-muted">${__("Nothing links to the duplicates.")}</td></tr>`}</tbody>
						</table></div>
						<div class="col-md-7">
							${
								conflicts
									? `<h6>${__("Conflicting values: choose what survives")}</h6>
								<table class="table table-sm table-bordered"><tbody>${conflicts}</tbody></table>`
									: `<p class="text-muted">${__("No conflicting field values.")}</p>`
							}
							${children ? `<ul>${children}</ul>` : ""}
						</div>
					</div>
					<details class="mb-3"><summary>${__("Every field that changes")}</summary>
						<table class="table table-sm"><thead><tr><th>${__("Document Type")}</th><th>${__("Field")}</th>
							<th>${__("Kind")}</th><th class="text-right">${__("Rows")}</th></tr></thead><tbody>${fields}</tbody></table>
					</details>
					<button class="btn btn-danger btn-sm c360-run">${__("Merge now")}</button>`
				);
			$(this.page.body)
				.find(".c360-run")
				.on("click", () => this.run());
		}

		choices() {
			const out = {};
			(this.preview?.conflicts || []).forEach((c) => {
				const chosen = $(this.page.body)
					.find(`input[name="c360-choice-${CSS.escape(c.field)}"]:checked`)
					.val();
				if (chosen && chosen !== this.preview.survivor) out[c.field] = chosen;
			});
			return out;
		}

		run() {
			const p = this.preview;
			frappe.confirm(
				// frappe.confirm renders its message as HTML
				__("Merge {0} into {1}? The duplicates are deleted; the merge log can undo it.", [
					p.losers.map(esc).join(", "),
					esc(p.survivor),
				]),
				() =>
					this.call("merge", {
						survivor: p.survivor,
						duplicates: p.losers,
						choices: this.choices(),
					}).then((r) => {
						this.reset_preview();
						this.watch(r.log);
					})
			);
		}

		// ------------------------------------------------------------ progress and result

		watch(log) {
			this.watching = log;
			clearInterval(this.poller);
			// An unknown or unreadable log stops the polling (one error dialog, not one every 2 s).
			const poll = () =>
				post("merge.get_log", { log })
					.then((l) => {
						this.show_progress({
							percent: l.progress,
							status: l.status,
							description: l.message,
						});
						if (!["Queued", "Running", "Undoing"].includes(l.status)) {
							clearInterval(this.poller);
							this.show_result(l);
						}
					})
					.catch(() => clearInterval(this.poller));
			poll();
			this.poller = setInterval(poll, 2000);
		}

		show_progress(data) {
			const $p = $(this.page.body).find(".c360-progress").removeClass("hidden");
			$p.find(".progress-bar").css("width", `${data.percent || 0}%`);
			$p.find(".c360-progress-text").text(
				`${__(data.status || "")} ${Math.round(data.percent || 0)}% ${data.description || ""}`
			);
		}

		show_result(l) {
			const docs = (l.documents || [])
				.map((d) => `<li>${esc(__(d.doctype))}: ${esc(d.count)}</li>`)
				.join("");
			const undo =
				l.status === "Done" || l.status === "Failed"
					? `<button class="btn btn-default btn-sm c360-undo">${__("Undo this merge")}</button>`
					: "";
			$(this.page.body)
				.find(".c360-result")
				.html(
					`<h5><a href="#" class="c360-open-log">${esc(l.name)}</a>:
						${esc(__(l.status))}</h5>
					<p>${__("{0} merged into {1}", [esc(l.merged_customers), esc(l.survivor)])}.
						${__("{0} documents moved.", [esc(l.documents_moved || 0)])}</p>
					${l.message ? `<pre class="small">${esc(l.message)}</pre>` : ""}
					${docs ? `<ul class="small">${docs}</ul>` : ""}
					${undo}`
				);
			$(this.page.body)
				.find(".c360-undo")
				.on("click", () => this.undo(l.name));
			$(this.page.body)
				.find(".c360-open-log")
				.on("click", (e) => {
					e.preventDefault();
					frappe.set_route("Form", "Customer Merge Log", l.name);
				});
			this.load_logs();
		}

		undo(log) {
			this.call("undo_check", { log }).then((r) => {
				if (r.blockers.length) {
					const items = r.blockers
						.slice(0, 50)
						.map((b) => `<li>${frappe.utils.escape_html(b.text)}</li>`)
						.join("");
					frappe.msgprint({
						title: __("Undo refused"),
						message: `${__("This merge cannot be undone safely:")}<ul>${items}</ul>`,
						indicator: "red",
					});
					return;
				}
				frappe.confirm(
					__("Undo {0}? The merged customers come back with their records.", [esc(log)]),
					() => this.call("undo", { log }).then(() => this.watch(log))
				);
			});
		}

		load_logs() {
			this.call("recent_logs", { limit: 20 }).then((logs) => {
				const rows = logs
					.map(
						(
							l
						) => `<tr><td><a href="#" data-log="${esc(l.name)}">${esc(l.name)}</a></td>
							<td>${esc(l.merged_customers || "")} → ${esc(l.survivor || "")}</td>
							<td>${esc(__(l.status))}</td><td>${esc(l.actor || "")}</td>
							<td>${frappe.datetime.comment_when(l.creation)}</td></tr>`
					)
					.join("");
				const $logs = $(this.page.body).find(".c360-logs");
				$logs.html(
					`<h5>${__("Recent merges")}</h5>
					<table class="table table-sm frappe-card"><tbody>${rows || `<tr><td class="text-muted">${__("None yet.")}</td></tr>`}</tbody></table>`
				);
				$logs.find("[data-log]").on("click", (e) => {
					e.preventDefault();
					this.watch($(e.currentTarget).attr("data-log"));
				});
			});
		}

		// ------------------------------------------------------------ duplicates

		find_duplicates(refresh) {
			this.call("find_duplicates", { limit: 100, refresh: refresh ? 1 : 0 }).then((r) => {
				const groups = r.groups
					.map((g, i) => {
						const names = g.customers
							.map(
								(c) =>
									`${esc(c.customer_name)} <span class="text-muted small">(${esc(c.name)}${c.disabled ? ", " + __("disabled") : ""}, ${__("{0} invoices", [esc(c.invoices)])})</span>`
							)
							.join("<br>");
						const reasons = g.matches
							.slice(0, 3)
							.map((m) => `${esc(m.score)}%: ${esc(m.reasons.join(", "))}`)
							.join("<br>");
						return `<tr><td>${esc(g.score)}%</td><td>${names}</td><td class="small">${reasons}</td>
							<td><button class="btn btn-xs btn-default" data-group="${i}">${__("Review")}</button></td></tr>`;
					})
					.join("");
				const skipped = r.skipped.length
					? `<p class="text-muted small">${__(
							"Values shared by too many customers to count as evidence: {0}",
							[
								r.skipped
									.slice(0, 5)
									.map((s) => esc(`${s.key} (${s.customers})`))
									.join(", "),
							]
						)}</p>`
					: "";
				const $g = $(this.page.body).find(".c360-groups");
				$g.html(
					`<h5>${__("Likely duplicates")} <small class="text-muted">${__("{0} groups among {1} customers", [esc(r.total), esc(r.customers_scanned)])}</small>
						<button class="btn btn-xs btn-default ml-2 c360-rescan">${__("Scan again")}</button></h5>
					${skipped}
					<table class="table table-sm frappe-card"><thead><tr><th>${__("Score")}</th><th>${__("Customers")}</th>
						<th>${__("Why")}</th><th></th></tr></thead><tbody>${groups || `<tr><td colspan="4" class="text-muted">${__("No likely duplicates.")}</td></tr>`}</tbody></table>`
				);
				$g.find(".c360-rescan").on("click", () => this.find_duplicates(true));
				$g.find("[data-group]").on("click", (e) => {
					const g = r.groups[Number($(e.currentTarget).attr("data-group"))];
					this.survivor.set_value(g.suggested_survivor);
					this.duplicates = [];
					g.customers
						.filter((c) => c.name !== g.suggested_survivor)
						.forEach((c) => this.add_duplicate(c.name));
					window.scrollTo(0, 0);
				});
			});
		}
	}

	Object.assign(customer_360.c360, { MergeTool });
})();

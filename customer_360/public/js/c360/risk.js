// Risk & Health tab (roles with the see_risk capability; the APIs mask it for everyone else): score, band,
// factors, explanation, 180-day trend chart, signals and risk flags with raise/resolve for flag managers.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { gauge, date, empty, esc, form_link, get, in_panel, masked, pill, post, when } =
		customer_360.c360;

	async function load_risk_health($body, page) {
		const customer = page.customer;
		$body.html(`
			<div class="c360-grid-2">
				<div><h6 class="text-muted">${__("Health")}</h6><div class="c360-health-panel"></div></div>
				<div><h6 class="text-muted">${__("Health trend, 180 days")}</h6><div class="c360-health-trend"></div></div>
			</div>
			<div class="d-flex align-items-center mt-3">
				<h6 class="text-muted mb-0">${__("Risk flags")}</h6>
				${page.caps.manage_flags ? `<button class="btn btn-xs btn-default ml-auto c360-flags-raise">${__("Raise flag")}</button>` : ""}
			</div>
			<div class="c360-flags mt-2"></div>`);
		$body.find(".c360-flags-raise").on("click", () => page.actions.raise_flag());
		await Promise.all([
			in_panel($body.find(".c360-health-panel"), async ($b) => {
				const h = await get("health.get_health", { customer });
				render_health($b, h);
				in_panel($body.find(".c360-health-trend"), async ($t) => render_trend($t, h));
			}),
			in_panel($body.find(".c360-flags"), async ($b) =>
				render_flags(
					$b,
					await get("risk.get_flags", { customer, include_resolved: 1 }),
					page
				)
			),
		]);
	}

	function render_health($b, h) {
		if (h.masked) {
			$b.html(masked());
			return;
		}
		const factors = (h.factors || [])
			.map(
				(
					f
				) => `<tr class="c360-factor" data-factor="${esc(f.name)}"><td>${esc(f.label)}</td>
					<td class="text-right">${f.no_data ? `<span class="text-muted">${__("no data")}</span>` : esc(f.score)}</td>
					<td class="text-right text-muted small">${esc(Math.round((f.effective_weight ?? f.weight) * 100))}%</td>
					<td class="small text-muted">${f.detail === null ? (h.finance_masked ? masked() : "") : esc(f.detail || "")}</td></tr>`
			)
			.join("");
		const s = h.signals || {};
		$b.html(`
			<div class="d-flex align-items-center" style="gap: 12px">${gauge(h.score, h.band)}
				<div class="small text-muted">${h.score_date ? __("Scored on {0}", [date(h.score_date)]) : ""}
					${s.last_activity ? `<div>${__("Last activity")}: ${date(s.last_activity)}</div>` : ""}
					${s.repurchase_rhythm?.text ? `<div>${esc(s.repurchase_rhythm.text)}</div>` : ""}</div></div>
			${factors ? `<table class="table table-sm mt-2 c360-factors"><tbody>${factors}</tbody></table>` : empty(__("No score yet."))}
			${h.explanation?.length ? `<ul class="small c360-explanation">${h.explanation.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : ""}`);
	}

	function render_trend($b, h) {
		if (h.masked) {
			$b.html(masked());
			return;
		}
		const points = (h.trend || []).filter((p) => p.score !== null && p.score !== undefined);
		if (points.length < 2) {
			$b.html(empty(__("The trend appears after two daily scores.")));
			return;
		}
		$b.empty();
		new frappe.Chart($(`<div class="c360-chart c360-health-chart"></div>`).appendTo($b)[0], {
			type: "line",
			height: 180,
			colors: ["green"],
			data: {
				labels: points.map((p) => frappe.datetime.str_to_user(p.date)),
				datasets: [{ name: __("Health score"), values: points.map((p) => p.score) }],
				yMarkers: [
					{ label: "", value: 0 },
					{ label: "", value: 100 },
				],
			},
			lineOptions: { hideDots: points.length > 30 ? 1 : 0, regionFill: 1 },
			axisOptions: { xIsSeries: 1, xAxisMode: "tick" },
		});
	}

	function render_flags($b, r, page) {
		if (r.masked) {
			$b.html(masked());
			return;
		}
		if (!r.flags.length) {
			$b.html(empty(__("No risk flags.")));
			return;
		}
		$b.empty();
		for (const f of r.flags) {
			const active = f.status === "active";
			const $f = $(`
				<div class="c360-flag py-2 border-bottom" data-name="${esc(f.name)}" data-status="${esc(f.status)}">
					<div class="small">${pill(f.flag_label, active ? "red" : "gray", "mr-1")}
						${pill(__(f.source === "manual" ? "Manual" : "Automatic"), "gray", "mr-1")}
						<span class="text-muted">${esc(frappe.user.full_name(f.raised_by))} · ${when(f.raised_on)}
						${f.expires_on ? ` · ${__("expires {0}", [date(f.expires_on)])}` : ""}</span>
						${active && page.caps.manage_flags ? `<button class="btn btn-xs btn-link float-right c360-flag-resolve">${__("Resolve")}</button>` : ""}</div>
					<div>${f.reason === null ? masked() : esc(f.reason)}</div>
					${f.evidence.length ? `<div class="small">${__("Evidence")}: ${f.evidence.map((e) => form_link(e.reference_doctype, e.reference_name)).join(", ")}</div>` : ""}
					${!active ? `<div class="small text-muted">${__("Resolved by {0}: {1}", [esc(frappe.user.full_name(f.resolved_by)), esc(f.resolution || "")])}</div>` : ""}
				</div>`).appendTo($b);
			$f.find(".c360-flag-resolve").on("click", () => {
				frappe.prompt(
					{
						fieldname: "resolution",
						fieldtype: "Small Text",
						label: __("How was it resolved?"),
						reqd: 1,
					},
					async (v) => {
						await post("risk.resolve_flag", {
							flag: f.name,
							resolution: v.resolution,
						});
						frappe.show_alert({ message: __("Flag resolved"), indicator: "green" });
						page.changed("flags");
					},
					__("Resolve risk flag")
				);
			});
		}
	}

	Object.assign(customer_360.c360, { load_risk_health });
})();

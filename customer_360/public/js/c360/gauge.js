// Health gauge of the 360 header and the Risk & Health tab.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { esc, pill } = customer_360.c360;

	// Health gauge: a half circle filled to the score, coloured by band.
	function gauge(score, band) {
		if (score === null || score === undefined) {
			return `<div class="c360-gauge text-muted small c360-health" data-band="">${__("No health score yet")}</div>`;
		}
		const colors = {
			green: "var(--green-500)",
			yellow: "var(--yellow-500)",
			red: "var(--red-500)",
		};
		const angle = Math.PI * (1 - Math.max(0, Math.min(100, score)) / 100);
		const x = 50 + 40 * Math.cos(angle);
		const y = 50 - 40 * Math.sin(angle);
		return `
			<div class="c360-gauge c360-health" data-band="${esc(band)}" title="${esc(__("Health score"))}">
				<svg viewBox="0 0 100 56">
					<path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="var(--gray-200)" stroke-width="10"/>
					<path d="M10 50 A40 40 0 0 1 ${x.toFixed(1)} ${y.toFixed(1)}" fill="none" stroke="${colors[band] || "var(--gray-500)"}" stroke-width="10"/>
					<text x="50" y="50" text-anchor="middle" font-size="18" font-weight="600" fill="currentColor" class="c360-health-score">${esc(score)}</text>
				</svg>
				<div>${pill(__(frappe.utils.to_title_case(band || "")), band || "gray", "c360-health-band")}</div>
			</div>`;
	}

	Object.assign(customer_360.c360, { gauge });
})();

// Likely duplicates of this customer: a warning on the form with links, and "Review and merge…" for those who
// may merge. The server decides (customer_360.api.merge.duplicate_warning); a failure never disturbs the form.
// One request per customer opened (and after each save); other refreshes re-show the remembered answer.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		const known = frm.__c360_duplicates;
		if (known && known.customer === frm.doc.name) {
			c360_show_duplicates(frm, known);
			return;
		}
		frappe
			.xcall("customer_360.api.merge.duplicate_warning", { customer: frm.doc.name })
			.then((r) => {
				frm.__c360_duplicates = r;
				c360_show_duplicates(frm, r);
			})
			.catch(() => {});
	},
	after_save(frm) {
		frm.__c360_duplicates = null; // an edited email or tax id may reveal (or clear) duplicates
	},
});

function c360_show_duplicates(frm, r) {
	if (!r || !r.matches || !r.matches.length || r.customer !== frm.doc.name) return;
	const esc = frappe.utils.escape_html;
	const items = r.matches
		.slice(0, 5)
		.map((m) => {
			const name = esc(m.customer_name || m.customer);
			const link = `<a href="#" data-c360-customer="${esc(m.customer)}">${name}</a>`;
			const off = m.disabled ? ` (${__("disabled")})` : "";
			return `${link}${off} — ${m.score}%: ${esc((m.reasons || []).join(", "))}`;
		})
		.join("<br>");
	const more = r.matches.length > 5 ? `<br>${__("and {0} more", [r.matches.length - 5])}` : "";
	const merge = r.can_merge
		? ` <a href="#" class="c360-merge-duplicates">${__("Review and merge…")}</a>`
		: "";
	frm.dashboard.add_comment(
		`<div class="c360-duplicates"><b>${__("Possible duplicates")}</b>${merge}<br>${items}${more}</div>`,
		"orange",
		true
	);
	const $box = $(frm.wrapper).find(".c360-duplicates");
	$box.find("[data-c360-customer]").on("click", (e) => {
		e.preventDefault();
		frappe.set_route("Form", "Customer", $(e.currentTarget).attr("data-c360-customer"));
	});
	$box.find(".c360-merge-duplicates").on("click", (e) => {
		e.preventDefault();
		frappe.route_options = {
			survivor: frm.doc.name,
			duplicates: r.matches.map((m) => m.customer).join(","),
		};
		frappe.set_route("customer-360-merge");
	});
}

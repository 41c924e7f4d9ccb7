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
		c360_duplicate_warning(frm.doc.name)
			.then((r) => {
				frm.__c360_duplicates = r;
				c360_show_duplicates(frm, r);
			})
			.catch((e) => console.warn("customer_360: duplicate warning", e));
	},
	after_save(frm) {
		frm.__c360_duplicates = null; // an edited email or tax id may reveal (or clear) duplicates
	},
});

// A plain GET: a failure stays in the console (frappe.xcall would open a dialog over the form).
async function c360_duplicate_warning(customer) {
	const params = new URLSearchParams({ customer });
	const res = await fetch(`/api/method/customer_360.api.merge.duplicate_warning?${params}`, {
		headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
		credentials: "same-origin",
	});
	if (!res.ok) throw new Error(`duplicate_warning: ${res.status}`);
	return (await res.json()).message;
}

// Names and reasons are stored data: escaped into the dashboard comment (which Frappe renders as HTML).
function c360_show_duplicates(frm, r) {
	if (!r || !r.count || r.customer !== frm.doc.name) return;
	const esc = frappe.utils.escape_html;
	if (!r.matches || !r.matches.length) {
		// Without the merge capability the server says only how many (names stay with who may merge).
		frm.dashboard.add_comment(
			`<div class="c360-duplicates">${esc(
				__(
					"{0} possible duplicate customer(s) exist. Someone who may merge customers can review them.",
					[r.count]
				)
			)}</div>`,
			"orange",
			true
		);
		return;
	}
	const items = r.matches
		.slice(0, 5)
		.map((m) => {
			const name = esc(m.customer_name || m.customer);
			const link = `<a href="#" data-c360-customer="${esc(m.customer)}">${name}</a>`;
			const off = m.disabled ? ` (${__("disabled")})` : "";
			return `${link}${off} — ${esc(m.score)}%: ${esc((m.reasons || []).join(", "))}`;
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

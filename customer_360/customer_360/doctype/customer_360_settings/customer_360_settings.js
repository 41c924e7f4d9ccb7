// Rebuild the timeline index from the ERP history (System Managers only; the server checks it too).
frappe.ui.form.on("Customer 360 Settings", {
	refresh(frm) {
		if (!frappe.user.has_role("System Manager")) return;
		frm.add_custom_button(__("Rebuild Timeline Index"), () => {
			frappe.confirm(
				__(
					"Index all existing history into the customer timeline? This runs in the background and can be repeated safely."
				),
				() =>
					frappe
						.xcall("customer_360.api.admin.start_backfill", { restart: 1 })
						.then((r) => frappe.show_alert({ message: r.message, indicator: "green" }))
			);
		});
	},
});

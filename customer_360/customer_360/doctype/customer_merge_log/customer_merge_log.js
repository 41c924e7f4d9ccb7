// Customer Merge Log: open the merge tool on this log (progress, manifest summary, undo).
frappe.ui.form.on("Customer Merge Log", {
	refresh(frm) {
		frm.disable_save();
		frm.add_custom_button(__("Open in Merge Tool"), () => {
			frappe.route_options = { log: frm.doc.name };
			frappe.set_route("customer-360-merge");
		});
	},
});

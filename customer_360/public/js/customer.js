// Adds the entry point to the 360 on every saved Customer.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Customer 360"), () => {
			frappe.set_route("customer-360", frm.doc.name);
		});
	},
});

// Adds the entry point to the 360 on every saved Customer.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Customer 360"), () => {
			// The page's code is preloaded here (below): its first request starts with the click and runs while
			// the desk changes views.
			const c360 = window.customer_360 && customer_360.c360;
			if (c360 && c360.prefetch_first_screen) c360.prefetch_first_screen(frm.doc.name);
			frappe.set_route("customer-360", frm.doc.name);
		});
	},
});

// The 360 is one click away: load its code while the desk is idle (page_code.js, loaded before this file).
customer_360.preload_page_code();

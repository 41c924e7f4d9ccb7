// The desk pages' code in one bundle (built by esbuild through `bench build --app customer_360`), loaded by the
// pages with frappe.require(["customer_360.bundle.js", "customer_360.bundle.css"]). One file, because Frappe v16
// loads a list of scripts in parallel: the order below is the dependency order and is kept by the bundler.
// Each file adds to the customer_360.c360 namespace what the files after it use.
import "./c360/util.js";
import "./c360/gauge.js";
import "./c360/timeline.js";
import "./c360/overview.js";
import "./c360/money.js";
import "./c360/relationship.js";
import "./c360/risk.js";
import "./c360/people.js";
import "./c360/account.js";
import "./c360/ask.js";
import "./c360/actions.js";
import "./c360/live.js";
import "./c360/tabs.js";
import "./c360/page.js";
import "./c360/directory.js";
import "./c360/merge.js";

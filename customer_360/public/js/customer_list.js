// The Customer list: a click away from the 360, so its code is loaded while the desk is idle (page_code.js,
// loaded before this file). ERPNext's own listview settings for Customer are left as they are.
customer_360.preload_page_code();

"""QuickBooks Online as the sandbox plays it: the Accounting API v3 Bill, BillPayment and query."""

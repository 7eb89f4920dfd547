"""The ERP room: a connector per ERP, and which ERP addresses a company may name."""

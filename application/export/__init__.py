"""The export room: what paysync writes into the company's ERP and what it reads back."""

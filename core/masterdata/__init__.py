"""Master data of a company: clients, suppliers, products, VAT rates."""

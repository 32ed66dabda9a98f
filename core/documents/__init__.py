"""Stored artefacts (XML, signed ZIPs, PDFs) and, later, PDF rendering."""

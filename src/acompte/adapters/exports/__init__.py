"""File formats the outside world reads: FEC and CSV (fec.py), Factur-X (facturx.py), PDF (pdf.py)."""

"""Demo: a moto-backed account with known readiness gaps, scanned end to end."""

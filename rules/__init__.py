"""The shipped check catalogue: rules/<service>/<ID>.yaml (data only)."""

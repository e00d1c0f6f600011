"""compliance_rules room of Tanpass (see ../shared/ARCHITECTURE.md)."""

"""portal room of Tanpass (see ../shared/ARCHITECTURE.md)."""

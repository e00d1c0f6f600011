"""api room of Tanpass (see ../shared/ARCHITECTURE.md)."""

"""store room of Tanpass (see ../shared/ARCHITECTURE.md)."""

"""Route modules of /api/v1, one per resource."""

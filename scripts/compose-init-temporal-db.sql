-- Temporal's auto-setup creates its own databases (temporal, temporal_visibility) with this user.
ALTER USER tanpass CREATEDB;

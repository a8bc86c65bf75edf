"""Bundled CSV column maps (YAML), one per 3PL shape; `column_map: <name>` selects one."""

"""Word response templates: building, reading, filling."""

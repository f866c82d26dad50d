"""Excel response sheets: building, reading, filling."""

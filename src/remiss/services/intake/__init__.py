"""Taking returned files in: examine, identify, store, receipt."""

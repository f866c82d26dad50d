"""Writing and reading .docx/.xlsx: knows nothing of the store, only bytes in and out."""

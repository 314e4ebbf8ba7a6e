"""Milvus as the index: writing the collections (store) and the row shape both sides share (rows)."""

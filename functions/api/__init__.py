"""The API function: the HTTP contract of docs/api.md on top of the inbox core."""

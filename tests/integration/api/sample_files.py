"""Small files of each kind, and the attachments bucket the API tests use."""

BUCKET = "lobby-attachments-test"
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300

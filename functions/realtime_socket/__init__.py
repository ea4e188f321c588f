"""The socket function: the consoles' WebSocket routes ($connect, $disconnect, presence, $default)."""

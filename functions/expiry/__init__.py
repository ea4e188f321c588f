"""The expiry function: what follows when DynamoDB's TTL removes a conversation or a message."""

"""The DynamoDB store: one table holds hotels, contacts, conversations, messages,
activity entries, tab counters and partner keys. Key layouts live only here."""

"""The fan-out function: the main table's DynamoDB Stream pushed to the consoles of each hotel."""

"""Pure rules and use cases: no boto3, no pynamodb, no clock reads."""

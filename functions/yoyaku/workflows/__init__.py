"""Use cases driven by Step Functions tasks and S3 events (the non-HTTP twin of `api`)."""

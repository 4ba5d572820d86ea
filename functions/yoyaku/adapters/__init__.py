"""The only modules that import boto3 or pynamodb."""

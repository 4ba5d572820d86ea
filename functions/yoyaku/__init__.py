"""Yoyaku: public-facility reservations.

Dependencies point one way: entrypoints → api → domain → adapters are wired in
`runtime`; `domain` holds pure rules (no boto3, no clock reads) and `adapters` are the
only modules that talk to AWS.
"""

"""The local runtime: the whole service on this machine, no AWS account, no Docker.

moto runs in server mode on loopback as AWS; the resources come from template.yaml;
an HTTP server turns requests into API Gateway proxy events for the real handlers.
Never deployed.
"""

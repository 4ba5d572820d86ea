"""Lambda handlers: decorators, then resolve. One module per function in template.yaml."""

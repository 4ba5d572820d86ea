"""HTTP layer: Powertools routers (one per resource), request and response models."""

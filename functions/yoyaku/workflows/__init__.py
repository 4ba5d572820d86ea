"""Code run by events rather than HTTP: each module turns one kind of event (a Step
Functions task, an S3 notification) into calls of the use cases in `services`."""

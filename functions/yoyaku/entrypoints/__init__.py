"""Lambda handlers: decorators, then resolve. One module per function in template.yaml.

Importing any of them is a function's cold start: the settings are read and validated
here once, so a function deployed without a variable it needs fails at init, naming it.
"""

from yoyaku.settings import settings

settings()

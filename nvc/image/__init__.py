"""The hyperprior family: mean-scale hyperprior VAEs, with or without a channel-slice x
checkerboard context model (``hyperprior``, ``checkerboard`` models)."""

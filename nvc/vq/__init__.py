"""The VQ family: a VQGAN-style autoencoder whose streams hold codebook indices, for
ultra-low rates."""

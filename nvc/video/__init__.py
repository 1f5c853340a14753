"""Video: intra frames coded by the image model families, P-frames by block motion and
the inter model."""

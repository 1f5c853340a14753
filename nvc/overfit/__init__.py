"""Overfitted image codec (Cool-chic / C3 style): every image gets its own model.

    image --fit (gradient descent on MSE + lambda * rate)--> latent grids + networks
    networks --quantize (steps chosen by RD)--> integers --> ONET chunk
    grids --round--> integers --fixed-point ARM + range coder--> OLAT chunks

Decoding reads the networks, decodes the latents front by front with the integer ARM, and
runs the learned upsampling and the synthesis. Modules: ``context`` (neighbourhood, tiles),
``rate``, ``arm``, ``filters``/``upsampling``, ``synthesis``, ``quantizer``, ``model``, ``fit``,
``nnquant``, ``fixed_point``, ``latent_coding``, ``stream``, ``codec``, ``presets``, ``family``.
Importing this package imports nothing else: ``chunks`` and ``config`` are torch-free.
"""

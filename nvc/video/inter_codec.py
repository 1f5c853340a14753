"""P-frames: block motion from the previous decoded frame, and the motion-compensated
residual coded with the inter model.

A P-frame's chunks are ``MOTN`` (the motion field, ``nvc.video.motion_coding``) then the ZLAT
and YLAT chunks of the residual ``current - prediction + RESIDUAL_OFFSET``, coded by the
inter model: a gained hyperprior trained on such residuals (``training/residuals.py``).
The inter model's name, weights digest and the quality are a second HEAD record, the
video's ``PHDR`` chunk; its size fields repeat the frames' size. The encoder decodes
every frame it codes exactly as the decoder will, so both predict from the same pixels.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from bitstream import Chunk, Container, Header
from nvc.coding import entry_for_header
from nvc.image.codec import latent_chunks, load_model, synthesise_latents
from nvc.image.hyperprior import GainedHyperprior
from nvc.video.chunks import MOTN
from nvc.video.motion import block_grid, compensate, estimate_motion
from nvc.video.motion_coding import decode_motion, encode_motion
from nvc.tensors import pad_to_stride, pixels_to_tensor, tensor_to_pixels
from nvc.registry import INTER, model_entry_for

RESIDUAL_OFFSET = 0.5  # residuals are centred on mid-grey, where images sit on average
DEFAULT_INTER_MODEL = "inter"


def inter_header(frame_header: Header, inter_model: str = DEFAULT_INTER_MODEL) -> Header:
    """The PHDR record: ``frame_header`` with the inter model's name and weights digest."""
    entry = model_entry_for(inter_model, INTER)
    return replace(frame_header, model=entry.name, weights_digest=entry.digest)


@torch.no_grad()
def motion_prediction(current: torch.Tensor, reference: torch.Tensor) -> tuple[np.ndarray, torch.Tensor]:
    """The encoder's motion field for ``current`` from ``reference`` ((1, 3, H, W) floats)
    and the prediction it gives."""
    motion = estimate_motion(current, reference)
    return motion, compensate(reference, motion)


def offset_residual(current: torch.Tensor, prediction: torch.Tensor) -> torch.Tensor:
    """What the inter model codes (before padding): the residual, centred on mid-grey."""
    return current - prediction + RESIDUAL_OFFSET


@torch.no_grad()
def encode_inter(pixels: np.ndarray, reference: np.ndarray, header: Header) -> tuple[list[Chunk], np.ndarray]:
    """A P-frame's chunks for (H, W, 3) uint8 ``pixels`` predicted from the decoded
    ``reference``, and the frame as the decoder will reconstruct it. ``header`` is PHDR's."""
    current = pixels_to_tensor(pixels, 1)
    motion, prediction = motion_prediction(current, pixels_to_tensor(reference, 1))
    residual_input = pad_to_stride(offset_residual(current, prediction), GainedHyperprior.downsampling)
    chunks = [Chunk(MOTN, encode_motion(motion)), *latent_chunks(load_model(header.model), residual_input, header.quality)]
    return chunks, _reconstruct(prediction, Container(header, chunks))


@torch.no_grad()
def decode_inter(chunks: list[Chunk], reference: np.ndarray, header: Header) -> np.ndarray:
    """Reconstruct a P-frame from its chunks and the decoded ``reference`` (uint8 pixels);
    ModelMismatchError for a foreign inter model, FormatError if the chunks are damaged."""
    entry_for_header(header)
    container = Container(header, chunks)
    motion = decode_motion(container.chunk(MOTN).data, *block_grid(header.height, header.width))
    return _reconstruct(compensate(pixels_to_tensor(reference, 1), motion), container)


def _reconstruct(prediction: torch.Tensor, container: Container) -> np.ndarray:
    """The frame from its prediction and the residual decoded from ``container``'s chunks
    (the encoder runs this too, so both hold the same reference)."""
    header = container.header
    residual = synthesise_latents(load_model(header.model), container)[..., : header.height, : header.width]
    return tensor_to_pixels(prediction + residual - RESIDUAL_OFFSET, header.height, header.width)

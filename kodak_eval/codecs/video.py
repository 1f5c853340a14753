"""Intra-only video codecs through PyAV: HEVC (libx265, 4:4:4 and 4:2:0) and AV1 (libsvtav1, 4:2:0).

Each image is coded as a single key frame and only the elementary-stream bytes the encoder
emits are counted (HEVC Annex B with its VPS/SPS/PPS, AV1 OBUs with the sequence header):
no container. The RGB <-> YCbCr conversion is ``kodak_eval.color``'s full-range BT.601
in float, rounded to 8 bits; for 4:2:0, libswscale resamples the chroma planes (bilinear)
before encoding and after decoding. Odd sides, and sides below the encoder's minimum, are
padded by edge replication for the codec and cropped back after decoding.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from fractions import Fraction

import av
import numpy as np

from kodak_eval.codecs.base import Codec
from kodak_eval.color import rgb_to_ycbcr, to_uint8, ycbcr_to_rgb

os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its whole configuration unless told errors only
FRAME_RATE = Fraction(1, 25)
CHROMA_INTERPOLATION = "BILINEAR"


def padded(rgb: np.ndarray, minimum_side: int) -> np.ndarray:
    """Pad right and bottom by edge replication to even sides of at least ``minimum_side``."""
    height, width = rgb.shape[:2]

    def extra(side: int) -> int:
        return max(side + side % 2, minimum_side) - side

    return np.pad(rgb, ((0, extra(height)), (0, extra(width)), (0, 0)), mode="edge")


def planar_frame(rgb: np.ndarray, pixel_format: str) -> av.VideoFrame:
    """A video frame of ``rgb`` in full-range BT.601 YCbCr, in ``pixel_format``."""
    planes = np.ascontiguousarray(to_uint8(rgb_to_ycbcr(rgb)).transpose(2, 0, 1))
    frame = av.VideoFrame.from_ndarray(planes, format="yuv444p")
    if pixel_format != "yuv444p":
        frame = frame.reformat(format=pixel_format, interpolation=CHROMA_INTERPOLATION)
    return frame


def frame_rgb(frame: av.VideoFrame) -> np.ndarray:
    """Decoded frame back to uint8 RGB through 4:4:4 and the same BT.601 matrix."""
    if frame.format.name != "yuv444p":
        frame = frame.reformat(format="yuv444p", interpolation=CHROMA_INTERPOLATION)
    return ycbcr_to_rgb(frame.to_ndarray().transpose(1, 2, 0))


class AvIntraCodec(Codec):
    """An encoder and a decoder from libavcodec; subclasses give names and options."""

    encoder: str
    decoder: str
    pixel_format: str
    preset: str
    rate_control: str  # what a setting is, e.g. "qp" or "crf"
    fixed_params: str  # encoder parameters besides the setting: colour signalling, intra-only
    minimum_side: int  # smaller images are padded up to this for the encoder

    @abstractmethod
    def encoder_options(self, setting: int) -> dict[str, str]:
        """libavcodec private options for one setting."""

    @property
    def identity(self) -> str:
        versions = ", ".join(f"{name} {'.'.join(map(str, v))}" for name, v in av.library_versions.items()
                             if name == "libavcodec")
        return (f"{self.name}; PyAV {av.__version__} ({versions}), {self.encoder} {self.pixel_format}, "
                f"preset {self.preset}, {self.rate_control}; {self.fixed_params}")

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """One key frame; the concatenated packet payloads."""
        pixels = padded(rgb, self.minimum_side)
        context = av.CodecContext.create(self.encoder, "w")
        context.height, context.width = pixels.shape[:2]
        context.pix_fmt = self.pixel_format
        context.time_base = FRAME_RATE
        context.options = self.encoder_options(setting)
        frame = planar_frame(pixels, self.pixel_format)
        packets = [*context.encode(frame), *context.encode(None)]
        return b"".join(bytes(packet) for packet in packets)

    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        """Decode the single frame and crop off the padding."""
        context = av.CodecContext.create(self.decoder, "r")
        frames = [*context.decode(av.Packet(data)), *context.decode(None)]
        if len(frames) != 1:
            raise ValueError(f"{self.decoder} returned {len(frames)} frames, expected 1")
        return frame_rgb(frames[0])[:height, :width]


class X265Yuv444(AvIntraCodec):
    """HEVC intra, Main 4:4:4 profile, libx265 preset slower, tuned for PSNR (psy-rd and
    adaptive quantisation off: they trade PSNR for perceived detail, about 1 dB here), fixed QP."""

    name, label, suffix = "x265-444", "HEVC x265 4:4:4", ".hevc"
    settings = tuple(range(51, 14, -3))  # QP, from low to high rate
    encoder, decoder, pixel_format = "libx265", "hevc", "yuv444p"
    preset, rate_control, minimum_side = "slower", "qp", 16
    fixed_params = "keyint=1:psy-rd=0:psy-rdoq=0:aq-mode=0:range=full:colormatrix=bt470bg:log-level=none"

    def encoder_options(self, setting: int) -> dict[str, str]:
        """Preset, QP, PSNR tuning and the full-range BT.601 colour signalling."""
        return {"preset": self.preset, "x265-params": f"qp={setting}:{self.fixed_params}"}


class X265Yuv420(X265Yuv444):
    """HEVC intra, Main profile (4:2:0)."""

    name, label = "x265-420", "HEVC x265 4:2:0"
    pixel_format = "yuv420p"


class SvtAv1(AvIntraCodec):
    """AV1 intra with libsvtav1 (4:2:0 only), preset 4, tuned for PSNR, fixed CRF; decoded with libdav1d."""

    name, label, suffix = "svtav1-420", "AV1 SVT-AV1 4:2:0", ".obu"
    settings = tuple(range(63, 5, -6))  # CRF, from low to high rate
    encoder, decoder, pixel_format = "libsvtav1", "libdav1d", "yuv420p"
    preset, rate_control, minimum_side = "4", "crf", 8
    fixed_params = "tune=1:color-range=1:matrix-coefficients=6:keyint=1"

    def encoder_options(self, setting: int) -> dict[str, str]:
        """Preset, CRF and the full-range BT.601 colour signalling."""
        return {"preset": self.preset, "crf": str(setting), "svtav1-params": self.fixed_params}

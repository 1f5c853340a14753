"""Classic low-delay anchors through PyAV: H.264 (libx264), HEVC (libx265) and AV1 (libsvtav1).

All three get the source 4:2:0 planes as they are (no colour conversion), code P-frames
only (no B-frames, no reordering, scene-cut detection off) with a key frame every intra
period frames, at a fixed QP (x264, x265) or CRF (SVT-AV1; this libavcodec's ``qp``
option gives the very same streams). Bits are the sizes of the packets the encoder emits (elementary
stream, headers included, no container), matched to frames by timestamp; the packets are
decoded back with FFmpeg's h264 and hevc decoders and with libdav1d. The encoders'
informational SEI message (their version and options as text, 0.5 to 2 kB in the first
frame, ignored by decoders) is left out: x265 is told not to write it (``info=0``) and
x264, which has no such option, has it removed from its packets.

Settings: x264 and x265 at QP 22, 27, 32, 37 (the JCT-VC/JVET common test conditions)
plus 42, so that the curves reach down to nvc's qualities (about 30 dB PSNR-YUV on the
test clips): BD-rate only integrates over the quality range two curves share. SVT-AV1 at
CRF 27, 35, 43, 51, 59 (AV1's 0..63 scale, which lands near the same PSNRs). x264's and
x265's I-frames get their encoders' default QP offset (``ipratio`` 1.4, about -3).
SVT-AV1 runs at preset 4, as in the image evaluation: on these small clips it takes about
1.5 times preset 8's time and saves about a fifth of the bits (33 frames of basketballpass:
-20% BD-rate against x265 medium, where preset 8 is level with it).
"""

from __future__ import annotations

import os
import re
from abc import abstractmethod
from dataclasses import dataclass

import av
import numpy as np

from kodak_eval.errors import EvalError
from kodak_eval.video.base import INFINITE_INTRA_PERIOD, INTRA, PREDICTED, FrameSizes, VideoCodec
from kodak_eval.video.clips import Clip
from kodak_eval.video.yuv import Planes, split_planes

os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its whole configuration unless told errors only
PIXEL_FORMAT = "yuv420p"
BT601_MATRIX, LIMITED_RANGE = 6, 1  # AVCOL_SPC_SMPTE170M, AVCOL_RANGE_MPEG: signalled, not used for coding
START_CODE = b"\x00\x00\x01"  # Annex B NAL unit prefix
H264_SEI, H264_NAL_TYPE_MASK = 6, 0x1F
X264_INFO_UUID = bytes.fromhex("dc45e9bde6d948b7962cd820d923eeef")  # x264's user-data SEI (version, options)


@dataclass(frozen=True)
class CodedPacket:
    """One encoder packet: the frame it belongs to, its bytes, whether it is a key frame."""

    pts: int
    data: bytes
    key: bool


def to_av_frame(planes: Planes, index: int) -> av.VideoFrame:
    """A yuv420p frame holding ``planes``, with timestamp ``index``."""
    width = planes.y.shape[1]
    flat = np.concatenate([plane.reshape(-1) for plane in planes])
    frame = av.VideoFrame.from_ndarray(flat.reshape(-1, width), format=PIXEL_FORMAT)
    frame.pts = index
    return frame


def from_av_frame(frame: av.VideoFrame) -> Planes:
    """The Y, U and V planes of a decoded yuv420p frame."""
    if frame.format.name != PIXEL_FORMAT:
        frame = frame.reformat(format=PIXEL_FORMAT)
    return split_planes(frame.to_ndarray(), frame.width, frame.height)


def without_info_sei(data: bytes, uuid: bytes = X264_INFO_UUID) -> bytes:
    """H.264 Annex B ``data`` without the SEI NAL units that carry the user-data ``uuid``."""
    starts = [match.start() for match in re.finditer(START_CODE, data)]
    units = [data[start:end] for start, end in zip([0, *starts], [*starts, len(data)])]

    def is_info(unit: bytes) -> bool:
        header = len(START_CODE)
        return unit.startswith(START_CODE) and unit[header] & H264_NAL_TYPE_MASK == H264_SEI and uuid in unit

    return b"".join(unit for unit in units if not is_info(unit))


class AvVideoCodec(VideoCodec):
    """An encoder and a decoder from libavcodec; subclasses give names and options."""

    output = "yuv420"
    encoder: str
    decoder: str
    preset: str
    tune: str  # the encoder's PSNR tuning (psy-rd and adaptive quantisation off)
    fixed_params: str  # encoder parameters besides preset, tune, setting, intra period and threads
    strips_info_sei = False  # remove x264's informational SEI from the packets

    @abstractmethod
    def encoder_options(self, setting: int, intra_period: int) -> dict[str, str]:
        """libavcodec private options for one setting and intra period."""

    @property
    def identity(self) -> str:
        """Library versions, encoder and decoder, every option but the setting and intra period, threads."""
        libavcodec = ".".join(map(str, av.library_versions["libavcodec"]))
        stripped = "; informational SEI removed" if self.strips_info_sei else ""
        return (f"{self.name}; PyAV {av.__version__} (libavcodec {libavcodec}), {self.encoder} -> {self.decoder}, "
                f"preset {self.preset}, tune {self.tune}, {self.rate_control}; {self.fixed_params}; "
                f"threads {self.threads}{stripped}")

    def encode(self, clip: Clip, setting: int, intra_period: int) -> list[CodedPacket]:
        """Every frame through the encoder, then a flush; the packets in emission order."""
        context = av.CodecContext.create(self.encoder, "w")
        context.width, context.height, context.pix_fmt = clip.width, clip.height, PIXEL_FORMAT
        context.time_base, context.framerate = 1 / clip.fps, clip.fps
        context.colorspace, context.color_range = BT601_MATRIX, LIMITED_RANGE
        context.thread_count = self.threads
        context.options = self.encoder_options(setting, intra_period)
        packets = [packet for index, planes in enumerate(clip.frames)
                   for packet in context.encode(to_av_frame(planes, index))]
        packets += context.encode(None)
        return [CodedPacket(packet.pts, self.kept_bytes(bytes(packet)), packet.is_keyframe) for packet in packets]

    def kept_bytes(self, data: bytes) -> bytes:
        """What of a packet is counted and decoded: all of it, less x264's informational SEI."""
        return without_info_sei(data) if self.strips_info_sei else data

    def frame_sizes(self, payload: list[CodedPacket]) -> FrameSizes:
        """Packet bits summed per frame timestamp."""
        if any(packet.pts is None for packet in payload):
            raise EvalError(f"{self.encoder} emitted a packet without a timestamp")
        frames = sorted({packet.pts for packet in payload})
        bits = [8 * sum(len(p.data) for p in payload if p.pts == pts) for pts in frames]
        types = [INTRA if any(p.key for p in payload if p.pts == pts) else PREDICTED for pts in frames]
        return FrameSizes(bits, types, 8 * sum(len(packet.data) for packet in payload))

    def decode(self, payload: list[CodedPacket]) -> list[Planes]:
        """Decode the packets in order; frames sorted by timestamp."""
        context = av.CodecContext.create(self.decoder, "r")
        context.thread_count = self.threads
        frames = []
        for coded in payload:
            packet = av.Packet(coded.data)
            packet.pts = coded.pts
            frames += context.decode(packet)
        frames += context.decode(None)
        return [from_av_frame(frame) for frame in sorted(frames, key=lambda frame: frame.pts)]


def keyint(intra_period: int, infinite: str) -> str:
    """The encoder's key-frame interval for ``intra_period``, ``infinite`` standing for -1."""
    return infinite if intra_period == INFINITE_INTRA_PERIOD else str(intra_period)


class X264(AvVideoCodec):
    """H.264, libx264 preset medium tuned for PSNR, fixed QP, no lookahead."""

    name, label, rate_control = "x264", "H.264 x264", "QP"
    settings = (42, 37, 32, 27, 22)
    encoder, decoder, preset, tune = "libx264", "h264", "medium", "psnr"
    fixed_params = "bframes=0:scenecut=0:rc-lookahead=0:sync-lookahead=0"
    strips_info_sei = True

    def encoder_options(self, setting: int, intra_period: int) -> dict[str, str]:
        """Preset, tune, QP and a key frame exactly every intra period."""
        interval = keyint(intra_period, "infinite")
        params = f"{self.fixed_params}:qp={setting}:keyint={interval}:min-keyint={interval}"
        return {"preset": self.preset, "tune": self.tune, "x264-params": params}


class X265(AvVideoCodec):
    """HEVC, libx265 preset medium tuned for PSNR, fixed QP, no lookahead."""

    name, label, rate_control = "x265", "HEVC x265", "QP"
    settings = (42, 37, 32, 27, 22)
    encoder, decoder, preset, tune = "libx265", "hevc", "medium", "psnr"
    fixed_params = "bframes=0:scenecut=0:rc-lookahead=0:info=0:log-level=error"

    def encoder_options(self, setting: int, intra_period: int) -> dict[str, str]:
        """Preset, tune, QP, a key frame exactly every intra period and the thread pool size."""
        interval = keyint(intra_period, "-1")
        params = (f"{self.fixed_params}:qp={setting}:keyint={interval}:min-keyint={interval}"
                  f":pools={self.threads}")
        return {"preset": self.preset, "tune": self.tune, "x265-params": params}


class SvtAv1(AvVideoCodec):
    """AV1, libsvtav1 preset 4 in its low-delay prediction structure, tuned for PSNR, CRF."""

    name, label, rate_control = "svtav1", "AV1 SVT-AV1", "CRF"
    settings = (59, 51, 43, 35, 27)
    encoder, decoder, preset, tune = "libsvtav1", "libdav1d", "4", "1"
    fixed_params = "pred-struct=1"  # 1: low delay (P-frames only)

    def encoder_options(self, setting: int, intra_period: int) -> dict[str, str]:
        """Preset, CRF, tune, low delay, the intra period and the logical-processor count."""
        params = f"{self.fixed_params}:tune={self.tune}:keyint={keyint(intra_period, '-1')}:lp={self.threads}"
        return {"preset": self.preset, "crf": str(setting), "svtav1-params": params}

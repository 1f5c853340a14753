"""compressai through nvc.compressai_compat: without torchvision, torch_geometric or pandas,
and without loading scipy.stats until compressai's own update() needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

AS_IF_UNINSTALLED = """
import sys
sys.path.insert(0, {repo!r})
for name in ("torchvision", "torch_geometric", "pandas"):
    sys.modules[name] = None  # importing them now fails, as if they were not installed
from nvc.compressai_compat import GDN, EntropyBottleneck, GaussianConditional, quantize_ste
from nvc.image.config import CheckerboardConfig
CheckerboardConfig(latent_channels=16, slices=(8, 8), context_channels=8).build()
deferred = type(sys.modules["scipy.stats"]).__name__
from compressai.zoo import bmshj2018_hyperprior
bmshj2018_hyperprior(quality=1, pretrained=False).update()  # compressai's own tables: scipy.stats loads
print("RESULT", deferred, type(sys.modules["scipy.stats"]).__name__)
"""


def test_compressai_needs_neither_torchvision_nor_torch_geometric_nor_pandas():
    finished = subprocess.run([sys.executable, "-c", AS_IF_UNINSTALLED.format(repo=str(REPO))], capture_output=True,
                              text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[-1] == "RESULT _LoadedOnFirstUse module"

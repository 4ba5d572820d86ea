"""Size of the layers, built exactly as `sam build` builds them.

Each layer's Makefile (layers/*/Makefile, the ones `sam build` runs) installs the
Lambda-platform wheels into a temporary directory; the figures are the unpacked size (what
counts against Lambda's 250 MB limit for a function and its layers), the size as a zip
(what is uploaded and downloaded at a cold start) and whether the dependency layer carries
its own boto3 or botocore: Lambda's python3.13 runtime ships both, and a copy in the layer
would shadow the runtime's and double neither speed nor safety (for comparison, the size
such a copy would add is measured from the botocore wheel the development environment
pins). The postal-code data has a layer of its own, which only the functions that look
codes up list (tests/unit/test_layers.py), so the figures also give what a function with
and without it carries.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from benchmarks.report import ROOT, Figure, Section

LAYERS = {  # template resource: the folder its Makefile is in
    "DependenciesLayer": ROOT / "layers" / "dependencies",
    "PostalCodesLayer": ROOT / "layers" / "postal_codes",
}
MB = 1024 * 1024
# Lambda: a function and all its layers, unpacked.
LAMBDA_UNPACKED_LIMIT_MB = 250


def _build(layer: str, target: Path) -> None:
    make = shutil.which("make")
    if make is None:
        raise RuntimeError("make is not on PATH")
    subprocess.run(
        [make, "--no-print-directory", "-C", str(LAYERS[layer]), f"build-{layer}"],
        env={**os.environ, "ARTIFACTS_DIR": str(target), "PYTHON": sys.executable},
        check=True,
        capture_output=True,
        text=True,
    )


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _zipped(root: Path, into: Path) -> int:
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in _files(root):
            archive.write(path, path.relative_to(root.parent))
    return into.stat().st_size


def _by_package(python: Path) -> dict[str, int]:
    """Bytes per top-level entry of the layer's `python/` (dist-info counted with its package)."""
    sizes: dict[str, int] = defaultdict(int)
    for path in _files(python):
        top = path.relative_to(python).parts[0].split("-")[0].removesuffix(".py")
        sizes[top.lower()] += path.stat().st_size
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _botocore_size(scratch: Path) -> int:
    """What a second botocore would add: the pinned development version, installed alone."""
    version = importlib.metadata.version("botocore")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "--no-deps", "--no-compile", "--target", str(scratch), f"botocore=={version}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return sum(p.stat().st_size for p in _files(scratch))


def _functions_listing(layer: str) -> list[str]:
    from local import template

    return sorted(
        name
        for name, resource in template.load()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        and {"Ref": layer} in resource["Properties"].get("Layers", [])
    )


def run() -> Section:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yoyaku-bench-layer-") as scratch:
        root = Path(scratch)
        _build("DependenciesLayer", root / "layer")
        python = root / "layer" / "python"
        unpacked = sum(p.stat().st_size for p in _files(python))
        zipped = _zipped(python, root / "layer.zip")
        packages = _by_package(python)
        sdk_copies = [name for name in packages if name in {"boto3", "botocore", "s3transfer"}]
        _build("PostalCodesLayer", root / "postal")
        postal = root / "postal" / "python"
        postal_unpacked = sum(p.stat().st_size for p in _files(postal))
        postal_zipped = _zipped(postal, root / "postal.zip")
        second_botocore = _botocore_size(root / "botocore")
    with_postal = _functions_listing("PostalCodesLayer")
    top = list(packages.items())[:8]
    figures = [
        Figure(
            "layer.sdkCopies",
            "boto3 / botocore / s3transfer packages in the layer",
            len(sdk_copies),
            "",
            at_most=0,
            note="the Lambda python3.13 runtime provides them"
            + (f"; found: {', '.join(sdk_copies)}" if sdk_copies else ""),
        ),
        Figure(
            "layer.unpackedMb",
            "dependency layer (every function), unpacked",
            round(unpacked / MB, 1),
            "MB",
            at_most=LAMBDA_UNPACKED_LIMIT_MB,
            note=f"{len(packages)} top-level entries; largest: "
            + ", ".join(f"{name} {size / MB:.1f}" for name, size in top),
            details={"bytes": unpacked, "byPackage": packages},
        ),
        Figure(
            "layer.zippedMb",
            "dependency layer, zipped (uploaded, fetched at cold start)",
            round(zipped / MB, 1),
            "MB",
            details={"bytes": zipped},
        ),
        Figure(
            "layer.postalCodesUnpackedMb",
            "postal-code layer, unpacked",
            round(postal_unpacked / MB, 1),
            "MB",
            note=f"zipped {postal_zipped / MB:.1f} MB; listed only by {', '.join(with_postal)}",
            details={"bytes": postal_unpacked, "zippedBytes": postal_zipped},
        ),
        Figure(
            "layer.largestFunctionUnpackedMb",
            "layers of the function that carries most, unpacked",
            round((unpacked + postal_unpacked) / MB, 1),
            "MB",
            at_most=LAMBDA_UNPACKED_LIMIT_MB,
            note="the dependency and postal-code layers; the other functions carry "
            f"{unpacked / MB:.1f} MB ({zipped / MB:.1f} MB zipped)",
        ),
        Figure(
            "layer.secondBotocoreMb",
            "what pynamodb's own botocore would add, unpacked (not shipped)",
            round(second_botocore / MB, 1),
            "MB",
            note=f"botocore {importlib.metadata.version('botocore')}, installed alone",
            details={"bytes": second_botocore},
        ),
    ]
    notes = [
        "built with layers/dependencies/Makefile (arm64 wheels for CPython 3.13, pynamodb "
        "without dependencies) and layers/postal_codes/Makefile, the targets `sam build` "
        f"runs; Lambda's limit is {LAMBDA_UNPACKED_LIMIT_MB} MB unpacked for a function "
        "with its layers"
    ]
    return Section("Layers", figures, notes, time.perf_counter() - started)

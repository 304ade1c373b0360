"""Hand-written safetensors reader/writer (no dependency on the safetensors package).

Layout: 8-byte little-endian header length N, N bytes of JSON header (padded with spaces to a
multiple of 8), then the raw tensor bytes; each header entry gives dtype, shape and
data_offsets [begin, end) relative to the start of the data section.
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from typing import Dict, List, Tuple

# Bytes per element of every dtype this project writes.
DTYPE_SIZES = {"F64": 8, "F32": 4, "BF16": 2, "F16": 2, "F8_E4M3": 1, "U8": 1}


@dataclass
class StoredTensor:
    """A tensor exactly as it lies in the file: dtype tag, shape and little-endian bytes."""

    dtype: str
    shape: Tuple[int, ...]
    data: bytes

    def __post_init__(self) -> None:
        count = 1
        for d in self.shape:
            count *= d
        if len(self.data) != count * DTYPE_SIZES[self.dtype]:
            raise ValueError(f"tensor bytes {len(self.data)} do not match {self.dtype}{list(self.shape)}")

    @property
    def nbytes(self) -> int:
        return len(self.data)


def _layout_order(tensors: Dict[str, StoredTensor]) -> List[str]:
    # Widest dtypes first, so every tensor starts at an offset aligned to its element size.
    names = list(tensors)
    return sorted(names, key=lambda n: (-DTYPE_SIZES[tensors[n].dtype], names.index(n)))


def encode_safetensors(tensors: Dict[str, StoredTensor], metadata: Dict[str, str] | None = None) -> bytes:
    """The complete file contents for `tensors` (deterministic: same input → same bytes)."""
    header: Dict[str, object] = {"__metadata__": metadata or {"format": "pt"}}
    chunks: List[bytes] = []
    offset = 0
    for name in _layout_order(tensors):
        t = tensors[name]
        header[name] = {"dtype": t.dtype, "shape": list(t.shape), "data_offsets": [offset, offset + t.nbytes]}
        chunks.append(t.data)
        offset += t.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(path: str, tensors: Dict[str, StoredTensor], metadata: Dict[str, str] | None = None) -> None:
    """Write atomically (temp file + rename) so a failure never leaves a half-written file."""
    blob = encode_safetensors(tensors, metadata)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, path)


def read_safetensors(path: str) -> Dict[str, StoredTensor]:
    """Parse a file written by anyone; raises ValueError naming the file when it is malformed."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    data = blob[8 + n :]
    out: Dict[str, StoredTensor] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        if not (0 <= begin <= end <= len(data)):
            raise ValueError(f"{path}: tensor {name} has data_offsets {begin}..{end} outside the data section")
        out[name] = StoredTensor(entry["dtype"], tuple(entry["shape"]), data[begin:end])
    return out

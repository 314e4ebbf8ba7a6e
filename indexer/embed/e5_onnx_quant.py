"""How the fused fp32 e5 graph becomes the graph a recipe names (see e5_onnx_convert.convert):

- fp32:        the graph as it is (the dequantized 4-bit weights in fp32);
- int8:        onnxruntime dynamic quantization of the weight MatMuls and Attention, int8
               weights per output channel, uint8 activations quantized per call;
- int8-tensor: the same with one scale per weight tensor;
- int8-rr:     per channel with reduce_range (7-bit weights, avoids the u8s8 overflow of VNNI-less CPUs);
- int8-static: static QDQ quantization of the MatMuls (per-channel int8 weights, uint8
               activations whose ranges (MinMax) were calibrated once on CALIBRATION: 48
               paragraphs of the five plans the project ships, a fixed copy so that every
               machine converts the same model whatever its corpus holds); the fused QKV
               Attention stays fp32. The default engine's graph;
- int8-mixed:  dynamic int8 with the nodes whose int8 error is largest left in fp32
               (MIXED_FP32, measured by `python -m tools.bench_int8_layers`).

The 4-bit word table (uint8 nibbles) is never touched."""
from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path

import numpy as np

RECIPES = ("fp32", "int8", "int8-tensor", "int8-rr", "int8-static", "int8-mixed")
QUANTIZED_OPS = ["MatMul", "Attention"]
PARTS = ("attention", "ao", "fi", "fo")
# (layer, part) left in fp32 by int8-mixed: part is attention (the fused QKV projection), ao
# (attention output), fi (FFN in), fo (FFN out). The two groups whose int8 error is largest,
# measured alone by `python -m tools.bench_int8_layers` (mean 1 - cosine to fp32 on 48 corpus
# paragraphs; every node int8: 3.5e-3): every FFN output (2.7e-3) and layer 4 (1.8e-3); the
# next group is every FFN input (5.8e-4). About 39% of the encoder's multiply-adds stay fp32.
MIXED_FP32: tuple[tuple[int, str], ...] = tuple(
    sorted({(layer, "fo") for layer in range(12)} | {(4, part) for part in PARTS}))
# the first 48 paragraphs (over 80 characters) of the five plans in corpus/; changing it changes
# the int8-static model: bump e5_onnx_convert.CONVERTER_VERSION with it
CALIBRATION = Path(__file__).with_name("e5_calibration.txt")


@contextlib.contextmanager
def quiet():
    """onnxruntime's tools log warnings meant for other models (producer name, pre-processing)."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def node_names(model_path: Path) -> dict[tuple[int, str], str]:
    """(layer, part) -> node name of every quantizable node of the fused graph."""
    import onnx

    out: dict[tuple[int, str], str] = {}
    for node in onnx.load(str(model_path), load_external_data=False).graph.node:
        if node.op_type == "Attention" and (m := re.fullmatch(r"Attention_(\d+)", node.name)):
            out[(int(m.group(1)), "attention")] = node.name
        elif node.op_type == "MatMul" and (m := re.fullmatch(r"l(\d+)\.(ao|fi|fo)_matmul_\d+", node.name)):
            out[(int(m.group(1)), m.group(2))] = node.name
    return out


def quantize_dynamic_int8(fp32_path: Path, out_path: Path, per_channel: bool = True,
                          reduce_range: bool = False, exclude: list[str] | None = None,
                          only: list[str] | None = None) -> None:
    """onnxruntime dynamic quantization (int8 weights, uint8 activations) of the MatMuls whose
    weight is a constant and of the fused Attention nodes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with quiet():
        quantize_dynamic(fp32_path, out_path, op_types_to_quantize=QUANTIZED_OPS,
                         per_channel=per_channel, reduce_range=reduce_range, weight_type=QuantType.QInt8,
                         nodes_to_exclude=exclude or [], nodes_to_quantize=only or [],
                         extra_options={"MatMulConstBOnly": True,
                                        "DefaultTensorType": onnx.TensorProto.FLOAT})


class _Calibration:
    """onnxruntime's CalibrationDataReader over tokenized paragraphs, one paragraph per call."""

    def __init__(self, windows: list[list[int]]):
        self._items = iter(windows)

    def get_next(self):
        w = next(self._items, None)
        if w is None:
            return None
        ids = np.array([w], np.int64)
        return {"input_ids": ids, "attention_mask": np.ones_like(ids)}


def calibration_windows(tokenize) -> list[list[int]]:
    """The token windows of the CALIBRATION paragraphs as passages, at most one per paragraph's
    count; tokenize(text) -> windows."""
    paragraphs = [t.strip() for t in CALIBRATION.read_text(encoding="utf-8").split("\n\n") if t.strip()]
    return [w for text in paragraphs for w in tokenize(text)][:len(paragraphs)]


def quantize_static_int8(fp32_path: Path, out_path: Path, windows: list[list[int]]) -> None:
    """Static QDQ quantization: per-channel int8 weights, activation ranges (MinMax) from the
    calibration windows."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    with quiet():
        quantize_static(fp32_path, out_path, _Calibration(windows), quant_format=QuantFormat.QDQ,
                        op_types_to_quantize=["MatMul"], per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax,
                        extra_options={"MatMulConstBOnly": True})


def apply(recipe: str, fp32_path: Path, out_path: Path, tokenize=None) -> None:
    """Write the graph `recipe` names, from the fused fp32 graph, to out_path."""
    if recipe == "int8":
        quantize_dynamic_int8(fp32_path, out_path)
    elif recipe == "int8-tensor":
        quantize_dynamic_int8(fp32_path, out_path, per_channel=False)
    elif recipe == "int8-rr":
        quantize_dynamic_int8(fp32_path, out_path, reduce_range=True)
    elif recipe == "int8-mixed":
        names = node_names(fp32_path)
        quantize_dynamic_int8(fp32_path, out_path, exclude=[names[k] for k in MIXED_FP32 if k in names])
    elif recipe == "int8-static":
        quantize_static_int8(fp32_path, out_path, calibration_windows(tokenize))
    else:
        raise ValueError(f"unknown ONNX recipe {recipe!r} ({', '.join(RECIPES)})")

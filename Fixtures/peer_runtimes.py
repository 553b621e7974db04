"""The inference runtimes a user would run an exported PyTorch block in, on CPU: ONNX Runtime and OpenVINO.

`runners(module, x, threads, names)` exports `module` once to ONNX (torch.onnx.export, dynamo=False,
opset 17, input "x", output "y") and returns, per runtime name, a zero-argument callable that runs one
inference on the fixed input `x` — what block_bench.py and block_compare.py time. Before returning, each
runtime's output is checked against PyTorch's: max abs difference <= 1e-3 * max(1, max|y|), or an
AssertionError names the runtime (the note with the difference goes to stderr either way).

  onnxruntime  CPUExecutionProvider (MLAS), intra-op threads = threads, inter-op threads = 1
  openvino     the CPU plugin (oneDNN JIT kernels) compiling the same ONNX, INFERENCE_NUM_THREADS = threads,
               NUM_STREAMS 1, PERFORMANCE_HINT LATENCY, INFERENCE_PRECISION_HINT f32 (no bf16 down-casting)

These are the settings of Fixtures/peer_baseline.py's `*_ort` and `*_ov` ops.
"""
import io
import sys

import torch

NAMES = ("onnxruntime", "openvino")


def export_onnx(module, x):
    """The ONNX bytes of `module` traced on `x`."""
    f = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, (x,), f, input_names=["x"], output_names=["y"], opset_version=17, dynamo=False)
    return f.getvalue()


def onnxruntime_runner(onnx, xn, threads):
    """(run, first output) for ONNX Runtime on the numpy input `xn`."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    s = ort.InferenceSession(onnx, so, providers=["CPUExecutionProvider"])
    return (lambda: s.run(None, {"x": xn})), s.run(None, {"x": xn})[0]


def openvino_runner(onnx, xn, threads):
    """(run, first output) for OpenVINO's CPU plugin on the numpy input `xn`."""
    import openvino as ov
    core = ov.Core()
    cm = core.compile_model(core.read_model(onnx), "CPU", {
        "INFERENCE_NUM_THREADS": threads, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
        "INFERENCE_PRECISION_HINT": "f32"})
    req = cm.create_infer_request()
    return (lambda: req.infer({0: xn})), req.infer({0: xn})[cm.output(0)]


RUNNERS = {"onnxruntime": onnxruntime_runner, "openvino": openvino_runner}


def runners(module, x, threads, names=NAMES, label="block"):
    """{name: run} for the runtimes in `names`, each checked against PyTorch's output on `x`."""
    unknown = [n for n in names if n not in RUNNERS]
    if unknown:
        raise ValueError(f"unknown runtime(s) {', '.join(unknown)}; known: {', '.join(RUNNERS)}")
    if not names:
        return {}
    with torch.no_grad():
        y = module(x).numpy()
    onnx, xn = export_onnx(module, x), x.numpy()
    scale = max(1.0, float(abs(y).max()))
    out = {}
    for name in names:
        run, yp = RUNNERS[name](onnx, xn, threads)
        diff = float(abs(yp - y).max())
        print(f"# {label}: {name} vs pytorch max abs diff {diff:.3e} (max|y| {scale:.3f})", file=sys.stderr, flush=True)
        assert diff <= 1e-3 * scale, f"{label}: {name} disagrees with PyTorch by {diff}"
        out[name] = run
    return out

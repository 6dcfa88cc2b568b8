#!/usr/bin/python3
"""Writes probe.onnx, the engine tests' model: no learning, outputs anyone can compute by hand.

Input  `slices`      float32 [N, 1, 8, 8]  (the preprocessed planes)
Output `probability` float32 [N, 2]        column 0 = clip(max of the plane, 0, 1)
                                           column 1 = clip(mean of the plane, 0, 1)

So a test can preprocess a slice by hand (window, area resample, normalisation) and know exactly what the
engine must report. Run with Debian's python3-onnx:  /usr/bin/python3 make_probe_model.py
"""
import os
import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))
nodes = [
    helper.make_node("ReduceMax", ["slices"], ["max4"], axes=[1, 2, 3], keepdims=1),
    helper.make_node("ReduceMean", ["slices"], ["mean4"], axes=[1, 2, 3], keepdims=1),
    helper.make_node("Concat", ["max4", "mean4"], ["both4"], axis=1),
    helper.make_node("Reshape", ["both4", "shape"], ["both"]),
    helper.make_node("Clip", ["both", "zero", "one"], ["probability"]),
]
initializers = [
    helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 2]),
    helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
    helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
]
graph = helper.make_graph(
    nodes,
    "probe",
    [helper.make_tensor_value_info("slices", TensorProto.FLOAT, ["N", 1, 8, 8])],
    [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 2])],
    initializers,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="telerad-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(here, "probe.onnx"))
print("wrote", os.path.join(here, "probe.onnx"))

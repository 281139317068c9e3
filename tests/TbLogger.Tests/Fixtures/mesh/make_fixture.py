"""TensorBoard's own mesh_pb (tensorboard/plugins/mesh/summary_v2.py) for the tetrahedron of PyTorch's add_mesh
docs, serialized to mesh_pb.bin for MeshTests. Run with Debian's /usr/bin/python3 and PYTHONPATH=<tb work>/src.
summary_v2 asks `tf` only for the three dtypes; numpy's stand in, as TensorBoard's tensor_util accepts them.
"""
import types

import numpy as np
from tensorboard.plugins.mesh import summary_v2

summary_v2.tf = types.SimpleNamespace(float32=np.float32, int32=np.int32, uint8=np.uint8)

vertices = np.array([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], dtype=np.float32)
colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]], dtype=np.uint8)
faces = np.array([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], dtype=np.int32)
config = {"camera": {"cls": "PerspectiveCamera", "fov": 75}, "material": {"cls": "MeshStandardMaterial"}}

with open("mesh_pb.bin", "wb") as f:
    f.write(summary_v2.mesh_pb("tetra", vertices, faces=faces, colors=colors, config_dict=config, description="A tetrahedron").SerializeToString())
with open("points_pb.bin", "wb") as f:
    f.write(summary_v2.mesh_pb("cloud", vertices.reshape(2, 2, 3)).SerializeToString())

"""Independent references for the video tests (run with Debian's /usr/bin/python3: python3-pil, python3-torch).

pil_rich.json   what Pillow decodes from the GIF our encoder makes of GifEncoderTests.RichClip (written by the
                tests to rich.gif): size, loop count, and per frame its duration and the SHA-256 of its RGB bytes.
torch_grid.json torch.utils.tensorboard.summary._prepare_video applied to VideoSummaryTests.Pattern(5, 2, 3, 4, 6)
                (as float64, so no rescaling): the tiled (T, H, W, C) frames PyTorch puts into its GIF.
Usage: python3 make_fixtures.py rich.gif
"""
import hashlib
import json
import sys

import numpy as np
from PIL import Image
from torch.utils.tensorboard.summary import _prepare_video

gif_path = sys.argv[1]
with open(gif_path, "rb") as f:
    gif_bytes = f.read()
im = Image.open(gif_path)
frames = []
for i in range(im.n_frames):
    im.seek(i)
    rgb = im.convert("RGB").tobytes()
    frames.append({"duration_ms": im.info.get("duration"), "rgb_sha256": hashlib.sha256(rgb).hexdigest()})
json.dump({"gif_sha256": hashlib.sha256(gif_bytes).hexdigest(), "width": im.size[0], "height": im.size[1],
           "loop": im.info.get("loop"), "frames": frames}, open("pil_rich.json", "w"), indent=1)

n, t, c, h, w = 5, 2, 3, 4, 6
v = np.zeros((n, t, c, h, w), dtype=np.float64)
for a in range(n):
    for b in range(t):
        for d in range(c):
            for y in range(h):
                for x in range(w):
                    v[a, b, d, y, x] = (37 * a + 11 * b + 5 * d + 3 * y + 7 * x) % 256
grid = _prepare_video(v)
json.dump({"shape": list(grid.shape), "values": [int(x) for x in grid.reshape(-1)]}, open("torch_grid.json", "w"))
print(grid.shape, len(frames))

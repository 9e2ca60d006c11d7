"""PyTorch twin of the project's U-Net (libs/nas/src/unet.ts: GroupNorm, 2x2 max pool,
2x2 stride-2 transposed conv with bias, 1x1 head with bias), loading the weights of a
model bundle, for the ONNX Runtime inference bench (bench/onnx/main.ts).

Usage: python3 torch_unet_gn.py --bundle DIR --input FILE --shape N,H,W --reps 5
         --threads 1 --probs OUT
Reads the bundle's manifest.json and weights.bin (little-endian float32 by name) and the
NHWC float32 input; writes the NHWC softmax probabilities of the first pass to OUT and
prints one JSON line: {"forward_ms": [...], "torch": version, "threads": n}.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn


def group_count(c):
    return c // 16 if c % 16 == 0 else 1


class Block(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.GroupNorm(group_count(cout), cout, eps=1e-5),
            nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.GroupNorm(group_count(cout), cout, eps=1e-5),
            nn.ReLU(),
        )


class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        w = [cfg['baseWidth'] * 2 ** l for l in range(cfg['depth'] + 1)]
        self.depth = cfg['depth']
        self.enc = nn.ModuleList([Block(cfg['inChannels'] if l == 0 else w[l - 1], w[l]) for l in range(self.depth + 1)])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(w[l + 1], w[l], 2, 2) for l in reversed(range(self.depth))])
        self.dec = nn.ModuleList([Block(2 * w[l], w[l]) for l in reversed(range(self.depth))])
        self.head = nn.Conv2d(w[0], cfg['nClasses'], 1)

    def forward(self, x):
        skips = []
        for l, block in enumerate(self.enc):
            x = block(x if l == 0 else nn.functional.max_pool2d(x, 2))
            skips.append(x)
        for k in range(self.depth):
            x = self.dec[k](torch.cat([self.ups[k](x), skips[self.depth - 1 - k]], 1))
        return self.head(x)


def load(net, manifest, blob):
    def get(name):
        spec = next(s for s in manifest['weights'] if s['name'] == name)
        n = int(np.prod(spec['shape']))
        return np.frombuffer(blob, dtype='<f4', count=n, offset=spec['offset']).reshape(spec['shape'])

    def conv(m, name):  # [k, k, in, out] -> [out, in, k, k]
        m.weight.data = torch.from_numpy(get(name).transpose(3, 2, 0, 1).copy())

    def gn(m, name):
        m.weight.data = torch.from_numpy(get(name + '.gamma').copy())
        m.bias.data = torch.from_numpy(get(name + '.beta').copy())

    def block(b, name):
        conv(b[0], name + '.conv1.w'); gn(b[1], name + '.gn1')
        conv(b[3], name + '.conv2.w'); gn(b[4], name + '.gn2')

    d = net.depth
    for l in range(d + 1):
        block(net.enc[l], f'enc{l}')
    for k, l in enumerate(reversed(range(d))):
        block(net.dec[k], f'dec{l}')
        w = get(f'up{l}.conv.w')[0, 0]  # [in, 4 * out], channel (2a + b) * out + c
        cin, c4 = w.shape
        co = c4 // 4
        net.ups[k].weight.data = torch.from_numpy(w.reshape(cin, 2, 2, co).transpose(0, 3, 1, 2).copy())
        net.ups[k].bias.data = torch.from_numpy(get(f'up{l}.b').copy())
    conv(net.head, 'head.w')
    net.head.bias.data = torch.from_numpy(get('head.b').copy())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bundle', required=True)
    ap.add_argument('--input', required=True)
    ap.add_argument('--shape', required=True)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--probs', required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.bundle, 'manifest.json')) as f:
        manifest = json.load(f)
    with open(os.path.join(a.bundle, 'weights.bin'), 'rb') as f:
        blob = f.read()
    net = UNet(manifest['architecture']['config']).eval()
    load(net, manifest, blob)
    n, h, w = (int(v) for v in a.shape.split(','))
    x = torch.from_numpy(np.fromfile(a.input, dtype='<f4').reshape(n, h, w, -1).transpose(0, 3, 1, 2).copy())
    times = []
    with torch.inference_mode():
        probs = torch.softmax(net(x), 1).permute(0, 2, 3, 1).contiguous().numpy()
        probs.astype('<f4').tofile(a.probs)
        for _ in range(a.reps):
            t0 = time.perf_counter()
            torch.softmax(net(x), 1)
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'forward_ms': times, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()

"""PyTorch twins of the bench/perf networks, built from the same description and loaded
with our weights: the derived NAS-Unet (from the genotype JSON), the search supernet (with
our alphas) and the U-Net (bench/recipe/torch_twin.py). The twin's logits must equal ours
(max abs difference < 1e-4) before anything is timed; then forward, one training step
(CE + soft Dice, clip 5, AdamW lr 1e-3 wd 5e-4, as libs/engine does it) and the training
loop with data (random batches of the slice arrays, per-sample left-right flips).

Usage: python3 torch_perf.py --dir CASE_DIR [--threads 1] [--reps 3] [--warmup 1] [--loop-steps 4]
CASE_DIR holds case.json, weights (our checkpoint container), x.f32, y.u8, logits.f32,
train_x.f32 and train_y.u8 (written by bench/perf/main.ts). Prints one JSON line.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'recipe'))
from torch_twin import UNet, read_weights, seg_loss  # noqa: E402

DOWN_OPS = ['avg_pool', 'max_pool', 'down_cweight', 'down_dil_conv', 'down_dep_conv', 'down_conv']
UP_OPS = ['up_cweight', 'up_dep_conv', 'up_conv', 'up_dil_conv']
NORMAL_OPS = ['identity', 'none', 'cweight', 'dil_conv', 'dep_conv', 'shuffle_conv', 'conv']


def to_torch(name, w):
    """Our NHWC-era layouts to PyTorch's. Transposed convs (ours: zero insertion, then a
    'same' conv) become ConvTranspose2d weights: [in, out, k, k], spatially flipped."""
    if w.ndim == 4:
        t = w.transpose(3, 2, 0, 1)  # [k, k, in, out] -> [out, in, k, k]
        if name.endswith('tconv.w'):
            t = t.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
        elif name.endswith('dw.w'):
            t = w.transpose(2, 3, 0, 1)  # [k, k, C, 1] -> [C, 1, k, k]
            if '.up_dep_conv.' in name or '_up_dep_conv.' in name:
                t = t[:, :, ::-1, ::-1]
        return np.ascontiguousarray(t)
    return w


def group_count(c):
    return c // 16 if c % 16 == 0 else 1


class NasUnet(nn.Module):
    """libs/nas/src/backbone.ts with FixedCell (genotype) or SearchCell (alphas) cells, NCHW."""

    def __init__(self, desc, weights):
        super().__init__()
        self.cfg = desc['config']
        self.genotype = desc.get('genotype')
        self.p = nn.ParameterDict({k.replace('.', '/'): nn.Parameter(torch.from_numpy(to_torch(k, v)))
                                   for k, v in weights.items()})
        alphas = desc.get('alphas')
        self.alphas = None if alphas is None else {
            k: torch.tensor(alphas[k], dtype=torch.float32) for k in ('down', 'up', 'normal')}

    def w(self, name):
        return self.p[name.replace('.', '/')]

    def has(self, name):
        return name.replace('.', '/') in self.p

    # layers (libs/nas/src/layers.ts)
    def gn(self, x, s):
        g, b = (self.w(f'{s}.gamma'), self.w(f'{s}.beta')) if self.has(f'{s}.gamma') else (None, None)
        return F.group_norm(x, group_count(x.shape[1]), g, b, 1e-5)

    def conv(self, x, s, stride=1, dilation=1):
        w = self.w(f'{s}.w')
        b = self.w(f'{s}.b') if self.has(f'{s}.b') else None
        return F.conv2d(x, w, b, stride, dilation * (w.shape[-1] - 1) // 2, dilation)

    def dw(self, x, s, stride=1):
        return F.conv2d(x, self.w(f'{s}.w'), None, stride, 1, 1, x.shape[1])

    def tconv(self, x, s, dilation=1):
        return F.conv_transpose2d(x, self.w(f'{s}.w'), None, 2, dilation, 1, 1, dilation)

    def tdw(self, x, s):
        return F.conv_transpose2d(x, self.w(f'{s}.w'), None, 2, 1, 1, x.shape[1])

    def se(self, x, s):
        h = F.relu(x.mean((2, 3)) @ self.w(f'{s}.fc1.w') + self.w(f'{s}.fc1.b'))
        gate = torch.sigmoid(h @ self.w(f'{s}.fc2.w') + self.w(f'{s}.fc2.b'))
        return x * gate[:, :, None, None]

    # ops (libs/nas/src/ops/*.ts)
    def op(self, name, x, s):
        if name == 'identity':
            return x
        if name == 'avg_pool':
            return F.avg_pool2d(x, 2)
        if name == 'max_pool':
            return F.max_pool2d(x, 2)
        if name == 'cweight':
            return self.se(x, f'{s}.se')
        if name == 'down_cweight':
            return self.gn(self.conv(self.se(x, f'{s}.se'), f'{s}.conv', 2), f'{s}.gn')
        if name == 'up_cweight':
            return self.gn(self.tconv(self.se(x, f'{s}.se'), f'{s}.tconv'), f'{s}.gn')
        if name == 'shuffle_conv':
            y = F.conv2d(x, self.w(f'{s}.conv.w'), None, 1, 1, 1, 2)
            n, c, h, w = y.shape
            y = y.view(n, 2, c // 2, h, w).transpose(1, 2).reshape(n, c, h, w)
            return F.relu(self.gn(y, f'{s}.gn'))
        if name in ('dep_conv', 'down_dep_conv'):
            y = self.conv(self.dw(x, f'{s}.dw', 2 if name == 'down_dep_conv' else 1), f'{s}.pw')
        elif name == 'up_dep_conv':
            y = self.conv(self.tdw(x, f'{s}.dw'), f'{s}.pw')
        elif name in ('up_conv', 'up_dil_conv'):
            y = self.tconv(x, f'{s}.tconv', 2 if name == 'up_dil_conv' else 1)
        else:  # conv, dil_conv, down_conv, down_dil_conv
            y = self.conv(x, f'{s}.conv', 2 if name.startswith('down') else 1, 2 if 'dil' in name else 1)
        return F.relu(self.gn(y, f'{s}.gn'))

    def pre(self, x, s, stride):
        return self.gn(self.conv(F.relu(x), f'{s}.conv', stride), f'{s}.gn')

    def cell(self, kind, s, s0, s1, weights):
        states = [self.pre(s0, f'{s}.pre0', 2 if kind == 'down' else 1), self.pre(s1, f'{s}.pre1', 1)]
        for node in range(self.cfg['nodes']):
            if self.genotype is not None:
                pairs = self.genotype[kind][2 * node:2 * node + 2]
                k = 2 * node
                states.append(sum(self.op(name, states[i], f'{s}.op{k + j}_{name}') for j, (name, i) in enumerate(pairs)))
                continue
            total = 0
            for i in range(node + 2):
                e = node * (node + 3) // 2 + i
                ops, row = ((DOWN_OPS, weights['down']) if i < 2 else (NORMAL_OPS, weights['normal'])) if kind == 'down' \
                    else ((UP_OPS, weights['up']) if i == 1 else (NORMAL_OPS, weights['normal']))
                for k, name in enumerate(ops):
                    if name != 'none':
                        total = total + row[e, k] * self.op(name, states[i], f'{s}.e{e}.{name}')
            states.append(total)
        return torch.cat(states[2:], 1)

    def forward(self, x):
        weights = None if self.alphas is None else {k: v.softmax(1) for k, v in self.alphas.items()}
        enc = [self.gn(self.conv(x, 'stem0.conv'), 'stem0.gn'), self.gn(self.conv(x, 'stem1.conv', 2), 'stem1.gn')]
        depth = self.cfg['depth']
        for k in range(depth):
            enc.append(self.cell('down', f'down{k}', enc[k], enc[k + 1], weights))
        y = enc[depth + 1]
        for j in range(depth + 1):
            y = self.cell('up', f'up{j}', enc[depth - j], y, weights)
        return self.conv(y, 'head')


def build(desc, weights):
    if desc['arch'] == 'unet':
        c = desc['config']
        net = UNet(c['baseWidth'], c['depth'], c['nClasses'], 'group')
        net.load_ours(weights)
        return net
    return NasUnet(desc, weights)


def median(v):
    s = sorted(v)
    return s[len(s) // 2] if len(s) % 2 else 0.5 * (s[len(s) // 2 - 1] + s[len(s) // 2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=1, help='untimed steps (and forward passes) first')
    ap.add_argument('--loop-steps', type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    desc = json.load(open(f'{a.dir}/case.json'))
    b, side, k = desc['batch'], desc['side'], desc['config']['nClasses']
    net = build(desc, read_weights(f'{a.dir}/weights')).train()
    x = torch.from_numpy(np.fromfile(f'{a.dir}/x.f32', np.float32).reshape(b, side, side, 1).transpose(0, 3, 1, 2).copy())
    y = torch.from_numpy(np.fromfile(f'{a.dir}/y.u8', np.uint8).reshape(b, side, side).astype(np.int64))
    ours = np.fromfile(f'{a.dir}/logits.f32', np.float32).reshape(b, side, side, k)
    with torch.no_grad():
        mine = net(x).permute(0, 2, 3, 1).numpy()
    diff = float(np.abs(mine - ours).max())
    if not diff < 1e-4:
        raise SystemExit(f'twin differs from our engine: max |logit diff| = {diff:.3g} (limit 1e-4); nothing timed')

    fwd = []
    for i in range(a.warmup + a.reps):
        t0 = time.perf_counter()
        with torch.no_grad():
            net(x).sum().item()
        if i >= a.warmup:
            fwd.append((time.perf_counter() - t0) * 1e3)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, 1e-3, weight_decay=5e-4)

    def step(xb, yb):
        loss = seg_loss(net(xb), yb, k)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5)
        opt.step()
        return loss.item()

    train, first_loss = [], None
    for i in range(a.warmup + a.reps):
        t0 = time.perf_counter()
        loss = step(x, y)
        if i == 0:
            first_loss = loss
        if i >= a.warmup:
            train.append((time.perf_counter() - t0) * 1e3)

    X = np.fromfile(f'{a.dir}/train_x.f32', np.float32).reshape(-1, 1, side, side)
    Y = np.fromfile(f'{a.dir}/train_y.u8', np.uint8).reshape(-1, side, side).astype(np.int64)
    rng = np.random.default_rng(0)
    stamps = []
    for _ in range(a.loop_steps + 1):
        idx = rng.integers(0, len(X), b)
        xb, yb = X[idx].copy(), Y[idx].copy()
        flip = rng.random(b) < 0.5
        xb[flip], yb[flip] = xb[flip][..., ::-1], yb[flip][..., ::-1]
        step(torch.from_numpy(xb), torch.from_numpy(yb))
        stamps.append(time.perf_counter())
    print(json.dumps({
        'max_abs_diff': diff, 'forward_ms': median(fwd), 'train_ms': median(train), 'first_loss': first_loss,
        'loop_steps_per_s': (len(stamps) - 1) / (stamps[-1] - stamps[0]), 'threads': torch.get_num_threads(),
        'torch': torch.__version__, 'params': sum(p.numel() for p in params)}))


if __name__ == '__main__':
    main()

"""PyTorch twin of the recipe benchmark: the protocol of bench/recipe/protocol.ts, trained
in PyTorch on the very slices our engine trains on, from our engine's initial weights.

Usage: python3 torch_twin.py --dir RUN_DIR --seed S [--threads 1] [--norm group|batch]
       [--init ours|torch] [--trace N]
Reads RUN_DIR/protocol.json, RUN_DIR/data/ (twin-data.ts) and RUN_DIR/init-sS.weights
(our checkpoint container), with shared batches also RUN_DIR/batches-sS.i32 and
flips-sS.u8 (schedule.ts), and prints one JSON line per protocol step:
{"step", "seconds", "loss", "dice": [per foreground class]}; with --trace N instead one line
{"step", "loss"} for each of the first N steps (the loss of the step's batch before its update).
"""
import argparse
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def read_weights(path):
    """Our checkpoint container: magic, header length, JSON header, float32 arrays."""
    buf = open(path, 'rb').read()
    assert buf[:8] == b'NASCKPT1', f'{path}: not a checkpoint file'
    (hlen,) = struct.unpack('<I', buf[8:12])
    header = json.loads(buf[12:12 + hlen])
    base = 12 + hlen
    meta = header['meta']
    arrays = {e['name']: np.frombuffer(buf, np.float32, e["length"], base + e["offset"]).copy() for e in header['arrays']}
    return {name: arrays[f'w.{i}'].reshape(shape) for i, (name, shape) in enumerate(zip(meta['names'], meta['weightShapes']))}


def group_count(c):
    return c // 16 if c % 16 == 0 else 1


def norm_layer(kind, c):
    return nn.GroupNorm(group_count(c), c, eps=1e-5) if kind == 'group' else nn.BatchNorm2d(c)


class Block(nn.Sequential):
    def __init__(self, cin, cout, norm):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False), norm_layer(norm, cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), norm_layer(norm, cout), nn.ReLU())


class UNet(nn.Module):
    """libs/nas/src/unet.ts in NCHW: same levels, 2x2 stride-2 transposed conv up, 1x1 head with bias."""

    def __init__(self, width, depth, n_classes, norm, in_channels=1):
        super().__init__()
        ch = [width * 2 ** i for i in range(depth + 1)]
        self.depth = depth
        self.enc = nn.ModuleList(Block(in_channels if i == 0 else ch[i - 1], ch[i], norm) for i in range(depth + 1))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(ch[l + 1], ch[l], 2, 2) for l in reversed(range(depth)))
        self.dec = nn.ModuleList(Block(2 * ch[l], ch[l], norm) for l in reversed(range(depth)))
        self.head = nn.Conv2d(ch[0], n_classes, 1)

    def forward(self, x):
        skips = []
        for i, e in enumerate(self.enc):
            x = e(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for k, (u, d) in enumerate(zip(self.ups, self.dec)):
            x = d(torch.cat([u(x), skips[self.depth - 1 - k]], 1))
        return self.head(x)

    def load_ours(self, w):
        """Copies our NHWC weights (names of libs/nas/src/unet.ts) into this net."""
        def conv(t):  # [k, k, in, out] -> [out, in, k, k]
            return torch.from_numpy(np.ascontiguousarray(t.transpose(3, 2, 0, 1)))
        with torch.no_grad():
            blocks = [(f'enc{i}', b) for i, b in enumerate(self.enc)]
            blocks += [(f'dec{l}', b) for l, b in zip(reversed(range(self.depth)), self.dec)]
            for name, b in blocks:
                b[0].weight.copy_(conv(w[f'{name}.conv1.w']))
                b[3].weight.copy_(conv(w[f'{name}.conv2.w']))
                for idx, gn in ((1, 'gn1'), (4, 'gn2')):
                    b[idx].weight.copy_(torch.from_numpy(w[f'{name}.{gn}.gamma']))
                    b[idx].bias.copy_(torch.from_numpy(w[f'{name}.{gn}.beta']))
            for l, u in zip(reversed(range(self.depth)), self.ups):
                c = u.weight.shape[1]
                t = w[f'up{l}.conv.w'].reshape(u.weight.shape[0], 2, 2, c)  # [in, dy, dx, out]
                u.weight.copy_(torch.from_numpy(np.ascontiguousarray(t.transpose(0, 3, 1, 2))))
                u.bias.copy_(torch.from_numpy(w[f'up{l}.b']))
            self.head.weight.copy_(conv(w['head.w']))
            self.head.bias.copy_(torch.from_numpy(w['head.b']))


def seg_loss(logits, y, k):
    p = logits.softmax(1)
    oh = F.one_hot(y, k).permute(0, 3, 1, 2).float()
    inter = (p * oh).sum((0, 2, 3))
    dice = (2 * inter + 1) / (p.sum((0, 2, 3)) + oh.sum((0, 2, 3)) + 1)
    return F.cross_entropy(logits, y) + (1 - dice[1:].mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--norm', choices=['group', 'batch'], default='group')
    ap.add_argument('--init', choices=['ours', 'torch'], default='ours')
    ap.add_argument('--trace', type=int, default=0,
                    help='instead of the protocol steps: print the loss of each of the first N steps, then stop')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    p = json.load(open(f'{a.dir}/protocol.json'))
    meta = json.load(open(f'{a.dir}/data/meta.json'))
    h, w, k, c = meta['height'], meta['width'], meta['nClasses'], meta.get('channels', 1)
    # Our dump is NHWC (channels: the slice and its neighbours); PyTorch wants NCHW.
    def images(name):
        x = np.fromfile(f'{a.dir}/data/{name}_x.f32', np.float32).reshape(-1, h, w, c)
        return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    X = images('train')
    Y = np.fromfile(f'{a.dir}/data/train_y.u8', np.uint8).reshape(-1, h, w).astype(np.int64)
    TX = images('test')
    TY = np.fromfile(f'{a.dir}/data/test_y.u8', np.uint8).reshape(-1, h, w)
    fg = np.where(Y.reshape(len(Y), -1).max(1) > 0)[0]

    net = UNet(p['width'], p['depth'], k, a.norm, c)
    if a.init == 'ours':
        net.load_ours(read_weights(f"{a.dir}/init-s{a.seed}.weights"))
        # Same function before any step: our engine's logits on the first four test slices.
        ours = np.fromfile(f'{a.dir}/init-s{a.seed}.logits.f32', np.float32).reshape(4, h, w, k)
        with torch.no_grad():
            mine = net.eval()(torch.from_numpy(TX[:4])).permute(0, 2, 3, 1).numpy()
        net.train()
        gap = float(np.abs(mine - ours).max()) / max(1.0, float(np.abs(ours).max()))
        if gap > 1e-4:
            raise SystemExit(f'twin differs from our engine at initialisation: max |logit diff| / max(1, max |logit|) = {gap:.2e}')
        print(json.dumps({'init_max_rel_diff': gap}), file=sys.stderr, flush=True)
    steps = sorted(p['steps'])
    opt = torch.optim.AdamW(net.parameters(), p['lr'], weight_decay=p['weightDecay'])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps[-1])
    rng = np.random.default_rng(a.seed)
    n_fg = int(p['batchSize'] * p['foregroundShare'])
    if p.get('batches', 'own') == 'shared':
        # The batches and flips our engine draws for this seed (bench/recipe/schedule.ts).
        shape = (steps[-1], p['batchSize'])
        items = np.fromfile(f'{a.dir}/batches-s{a.seed}.i32', np.int32).reshape(shape)
        flips = np.fromfile(f'{a.dir}/flips-s{a.seed}.u8', np.uint8).reshape(shape).astype(bool)
        draw = lambda step: (items[step - 1], flips[step - 1])
    else:
        def draw(_step):
            b = np.concatenate([rng.choice(fg, n_fg), rng.integers(0, len(X), p['batchSize'] - n_fg)])
            return b, rng.random(len(b)) < 0.5

    def evaluate():
        net.eval()
        with torch.no_grad():
            pred = torch.cat([net(torch.from_numpy(TX[i:i + 32])).argmax(1) for i in range(0, len(TX), 32)]).numpy()
        net.train()
        res = []
        for c in meta['test']:
            r = c['region']
            sl = (slice(c['start'], c['start'] + c['count']), slice(r['top'], r['top'] + r['height']),
                  slice(r['left'], r['left'] + r['width']))
            pv, tv = pred[sl], TY[sl]
            res.append([1.0 if (pv == j).sum() + (tv == j).sum() == 0 else
                        2 * ((pv == j) & (tv == j)).sum() / ((pv == j).sum() + (tv == j).sum()) for j in range(1, k)])
        return np.mean(res, 0)

    spent = 0.0
    for step in range(1, steps[-1] + 1):
        t0 = time.time()
        b, flip = draw(step)
        x, y = X[b].copy(), Y[b].copy()
        x[flip], y[flip] = x[flip][..., ::-1], y[flip][..., ::-1]
        loss = seg_loss(net(torch.from_numpy(x)), torch.from_numpy(y), k)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), p['clip'])
        opt.step()
        sched.step()
        spent += time.time() - t0
        if a.trace > 0:
            print(json.dumps({'step': step, 'loss': loss.item()}), flush=True)
            if step == a.trace:
                return
            continue
        if step in steps:
            d = evaluate()
            print(json.dumps({'step': step, 'seconds': round(spent), 'loss': round(loss.item(), 4),
                              'dice': [round(float(v), 4) for v in d]}), flush=True)


if __name__ == '__main__':
    main()

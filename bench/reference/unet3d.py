"""A 3D U-Net in PyTorch on MSD hippocampus, under the 2D protocol of bench/hippocampus
wherever 3D allows: what whole-volume context is worth against the slice networks (the
NAS-Unet cells of the spec are 2D). A reference figure for BENCHMARKS.md, not part of the
product.

Usage (Debian: apt-get install -y python3-torch python3-nibabel):
  /usr/bin/python3 bench/reference/unet3d.py [--width 12] [--depth 3] [--steps 500,1000,2000]
      [--batch 2] [--seed 0] [--threads 1] [--data ../shared/data/msd-hippocampus]
Prints one JSON line with the parameter count, then one per checkpoint step: mean 3D Dice
per class over the 52 test cases, plain and with left-right mirroring at test time.

Protocol (as bench/hippocampus and ../shared/tools/hippocampus_reference.py): case split by
random.Random(2026).shuffle of the sorted file list, first 52 test, next 16 validation, the
remaining 192 train; per-case z-score; loss CE + (1 - mean soft Dice of classes 1..2 over
the batch); AdamW lr 1e-3 wd 5e-4, cosine to 0 over the last checkpoint step; gradient norm
clipped at 5; random left-right flips (voxel axis 0, the axis the 2D recipe flips).
3D instead of 2D: each batch is `--batch` whole volumes, centre-padded to 48 x 64 x 48 (the
largest volume is 43 x 59 x 47); every volume holds both classes, so no foreground sampling.
Net: per level two 3x3x3 convolutions with InstanceNorm (affine) and ReLU, 2x2x2 max pool,
2x2x2 transposed convolution up, widths doubling per level.
"""
import argparse, glob, json, random, time
import numpy as np, nibabel as nib, torch, torch.nn as nn, torch.nn.functional as F

SHAPE = (48, 64, 48)


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--width', type=int, default=12)
    p.add_argument('--depth', type=int, default=3)
    p.add_argument('--steps', default='500,1000,2000')
    p.add_argument('--batch', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--data', default='../shared/data/msd-hippocampus')
    return p.parse_args()


def load(data):
    """Every case as (z-scored image, labels, both padded to SHAPE; the slices of the case inside them)."""
    cases = []
    for f in sorted(glob.glob(data + '/images/*.nii.gz')):
        x = nib.load(f).get_fdata().astype(np.float32)
        y = np.asarray(nib.load(f.replace('/images/', '/labels/')).dataobj).astype(np.int64)
        x = (x - x.mean()) / (x.std() + 1e-8)
        off = tuple((s - n) // 2 for s, n in zip(SHAPE, x.shape))
        xp = np.zeros(SHAPE, np.float32)
        yp = np.zeros(SHAPE, np.int64)
        region = tuple(slice(o, o + n) for o, n in zip(off, x.shape))
        xp[region], yp[region] = x, y
        cases.append((xp, yp, region))
    return cases


def conv_block(ci, co):
    return nn.Sequential(
        nn.Conv3d(ci, co, 3, padding=1), nn.InstanceNorm3d(co, affine=True), nn.ReLU(inplace=True),
        nn.Conv3d(co, co, 3, padding=1), nn.InstanceNorm3d(co, affine=True), nn.ReLU(inplace=True))


class UNet3D(nn.Module):
    def __init__(self, width, depth, classes=3):
        super().__init__()
        ch = [width * 2 ** i for i in range(depth + 1)]
        self.enc = nn.ModuleList([conv_block(1, ch[0])] + [conv_block(ch[i], ch[i + 1]) for i in range(depth)])
        self.up = nn.ModuleList(nn.ConvTranspose3d(ch[i + 1], ch[i], 2, 2) for i in reversed(range(depth)))
        self.dec = nn.ModuleList(conv_block(2 * ch[i], ch[i]) for i in reversed(range(depth)))
        self.head = nn.Conv3d(ch[0], classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.enc):
            x = block(x if i == 0 else F.max_pool3d(x, 2))
            skips.append(x)
        x = skips.pop()
        for up, block in zip(self.up, self.dec):
            x = block(torch.cat([up(x), skips.pop()], 1))
        return self.head(x)


def loss_fn(logits, y):
    p = logits.softmax(1)
    onehot = F.one_hot(y, 3).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    dice = (2 * (p * onehot).sum(dims) + 1) / (p.sum(dims) + onehot.sum(dims) + 1)
    return F.cross_entropy(logits, y) + (1 - dice[1:].mean())


def dice_per_class(pred, y):
    return [2 * ((pred == c) & (y == c)).sum() / max((pred == c).sum() + (y == c).sum(), 1) for c in (1, 2)]


def evaluate(net, cases, test):
    """Mean 3D Dice per class over the test cases: plain and with left-right mirroring."""
    net.eval()
    plain, mirrored = [], []
    with torch.no_grad():
        for i in test:
            x, y, region = cases[i]
            xt = torch.from_numpy(x)[None, None]
            prob = net(xt).softmax(1)
            both = (prob + net(xt.flip(2)).softmax(1).flip(2)) / 2
            y = y[region]
            plain.append(dice_per_class(prob.argmax(1)[0].numpy()[region], y))
            mirrored.append(dice_per_class(both.argmax(1)[0].numpy()[region], y))
    net.train()
    return np.array(plain).mean(0), np.array(mirrored).mean(0)


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    checkpoints = [int(s) for s in a.steps.split(',')]
    cases = load(a.data)
    order = list(range(len(cases)))
    random.Random(2026).shuffle(order)
    test, train = order[:52], order[68:]
    torch.manual_seed(a.seed)
    net = UNet3D(a.width, a.depth)
    opt = torch.optim.AdamW(net.parameters(), 1e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(checkpoints))
    print(json.dumps({'params': sum(p.numel() for p in net.parameters()), 'width': a.width, 'depth': a.depth,
                      'train_cases': len(train), 'test_cases': len(test), 'shape': SHAPE}), flush=True)
    X = np.stack([cases[i][0] for i in train])[:, None]
    Y = np.stack([cases[i][1] for i in train])
    rng = np.random.default_rng(a.seed)
    t0 = time.time()
    for step in range(1, max(checkpoints) + 1):
        b = rng.integers(0, len(train), a.batch)
        x, y = torch.from_numpy(X[b]), torch.from_numpy(Y[b])
        if rng.random() < 0.5:
            x, y = x.flip(2), y.flip(1)
        loss = loss_fn(net(x), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5)
        opt.step()
        sched.step()
        if step in checkpoints:
            plain, mirrored = evaluate(net, cases, test)
            print(json.dumps({'step': step, 'seconds': round(time.time() - t0, 1), 'loss': round(loss.item(), 4),
                              'dice_anterior': round(float(plain[0]), 4), 'dice_posterior': round(float(plain[1]), 4),
                              'mirrored_anterior': round(float(mirrored[0]), 4),
                              'mirrored_posterior': round(float(mirrored[1]), 4)}), flush=True)


if __name__ == '__main__':
    main()

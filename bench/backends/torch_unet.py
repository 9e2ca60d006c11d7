"""The benchmark U-Net of unet.ts in PyTorch (NCHW): times forward and one SGD train step.

Usage: python3 torch_unet.py --base 16 --batch 4 --side 128 --reps 5 [--threads N]
Prints one JSON line: {"forward_ms": [...], "train_ms": [...], "torch": version, "threads": n, "params": n}.
"""
import argparse
import json
import time

import torch
from torch import nn


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, base, cin=1, classes=2):
        super().__init__()
        c = [base, 2 * base, 4 * base, 8 * base]
        self.enc = nn.ModuleList([block(cin, c[0]), block(c[0], c[1]), block(c[1], c[2])])
        self.mid = block(c[2], c[3])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(c[3], c[2], 2, 2), nn.ConvTranspose2d(c[2], c[1], 2, 2),
                                  nn.ConvTranspose2d(c[1], c[0], 2, 2)])
        self.dec = nn.ModuleList([block(c[3], c[2]), block(c[2], c[1]), block(c[1], c[0])])
        self.head = nn.Conv2d(c[0], classes, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = self.pool(x)
        x = self.mid(x)
        for i in range(3):
            x = self.dec[i](torch.cat([self.ups[i](x), skips[2 - i]], 1))
        return self.head(x)


def median(v):
    s = sorted(v)
    return s[len(s) // 2] if len(s) % 2 else 0.5 * (s[len(s) // 2 - 1] + s[len(s) // 2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', type=int, default=16)
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--side', type=int, default=128)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = UNet(a.base).train()
    x = torch.rand(a.batch, 1, a.side, a.side) * 2 - 1
    y = torch.randint(0, 2, (a.batch, a.side, a.side))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    fwd, train = [], []
    for i in range(a.reps + 1):
        t0 = time.perf_counter()
        with torch.no_grad():
            net(x).sum().item()
        if i > 0:
            fwd.append((time.perf_counter() - t0) * 1e3)
    for i in range(a.reps + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i > 0:
            train.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({'forward_ms': median(fwd), 'train_ms': median(train), 'torch': torch.__version__,
                      'threads': torch.get_num_threads(), 'params': sum(p.numel() for p in net.parameters())}))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""memory_over_time.py - meminfo and buddyinfo over time, drawn.

Owns: an example for teaching, as one would write it in a notebook: a
workload allocates page blocks of mixed orders, frees every other one
(fragmenting memory), then frees the rest, while the machine's meminfo
and buddyinfo are sampled after each step; matplotlib draws both into a
PNG. Must never: leave what it allocated behind (the blocks are freed
by the `with` blocks and by the session's exit).

usage: memory_over_time.py [SOCKET] [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")  # no display: a file
import matplotlib.pyplot as plt  # noqa: E402

import mmclient  # noqa: E402


def sample(m, t, series):
    mi = m.meminfo()
    series["t"].append(t)
    # What the workload moves is small beside MemTotal: draw what is in
    # use rather than what is free.
    series["used"].append((mi["MemTotal"] - mi["MemFree"]) / 1024)  # MiB
    series["Slab"].append(mi["Slab"] / 1024)
    normal = [z for z in m.buddyinfo() if z.zone == "Normal"][0]
    series["orders"].append(normal.free)


def workload(m, series):
    t = 0
    sample(m, t, series)
    blocks = []
    for i in range(60):  # take: orders 0..5, and slab objects
        blocks.append(m.alloc_pages(mmclient.GFP_KERNEL, i % 6))
        blocks.append(m.kmalloc(2048))
        t += 1
        sample(m, t, series)
    for b in blocks[::2]:  # fragment: give back every other one
        b.free()
        t += 1
        sample(m, t, series)
    for b in blocks[1::2]:
        with b:
            pass
        t += 1
        sample(m, t, series)


def draw(series, out):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    top.plot(series["t"], series["used"], label="MemTotal - MemFree")
    top.plot(series["t"], series["Slab"], label="Slab")
    top.set_ylabel("MiB")
    top.set_title("meminfo")
    top.legend()
    nr_orders = len(series["orders"][0])
    for order in range(nr_orders):
        bottom.plot(series["t"], [s[order] for s in series["orders"]],
                    label="order %d" % order)
    bottom.set_yscale("symlog")
    bottom.set_ylabel("free blocks")
    bottom.set_xlabel("step")
    bottom.set_title("buddyinfo, zone Normal")
    bottom.legend(ncol=4, fontsize="small")
    fig.tight_layout()
    fig.savefig(out, dpi=80)


def main():
    sock = sys.argv[1] if len(sys.argv) > 1 else None
    out = sys.argv[2] if len(sys.argv) > 2 else "memory_over_time.png"
    series = {"t": [], "used": [], "Slab": [],
              "orders": []}
    with mmclient.Machine(sock, comm="teacher") as m:
        workload(m, series)
    draw(series, out)
    print("%s: %d samples" % (out, len(series["t"])))


if __name__ == "__main__":
    main()

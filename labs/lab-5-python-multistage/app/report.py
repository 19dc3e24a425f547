"""shards: a small data job, the app lab 5 packages.

    python report.py    total 1,000 made-up orders per shard and print one line

Each order's customer is put in one of four shards by MurmurHash3 (mmh3, a C
extension the images compile from source), numpy makes the order amounts and
pandas groups and sums them. The line it prints is the same on every machine,
so the smoke test can compare images: an image whose compiled modules do not
load fails here, at the imports.
"""

import mmh3
import numpy as np
import pandas as pd

SHARDS = 4
ORDERS = 1000


def orders() -> pd.DataFrame:
    """Made-up orders: whole-cent amounts, so every sum is exact."""
    ids = np.arange(1, ORDERS + 1)
    customers = [f"customer-{i % 97}" for i in ids]
    return pd.DataFrame({
        "customer": customers,
        "shard": [mmh3.hash(c, signed=False) % SHARDS for c in customers],
        "cents": (ids * 37) % 1000 + 1,
    })


def report(frame: pd.DataFrame) -> str:
    """One line: orders and total per shard, then the grand total."""
    per_shard = frame.groupby("shard")["cents"].agg(["count", "sum"])
    parts = [f"shard {shard}: {row['count']} orders {row['sum']} cents" for shard, row in per_shard.iterrows()]
    return "; ".join(parts) + f"; total {int(frame['cents'].sum())} cents"


if __name__ == "__main__":
    print(report(orders()))

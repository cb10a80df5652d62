"""Reference values for test/outcomes/*.unit.test.ts, computed independently of the TypeScript
code with Python's hashlib and scipy (Debian python3-scipy 1.17, python3-numpy).

    python3 test/outcomes/reference-values.py

Each formula is written here from its source (cited in the matching src/outcomes file), not
translated from the TypeScript. The printed numbers are pasted into the tests.
"""
import hashlib
import json
import math

import numpy as np
from scipy import stats

z975 = stats.norm.ppf(0.975)
out = {}

# assignment.ts: first 52 bits of SHA-256(campaign NUL unit) / 2**52
def draw(campaign, unit):
    d = hashlib.sha256(f"{campaign}\0{unit}".encode()).digest()
    return (int.from_bytes(d[:7], "big") >> 4) / 2**52
out["draws"] = {u: draw("cmp_1", u) for u in ["account:42", "contact:7", "account:acme-corp"]}

# Wilson score interval (Wilson 1927; Newcombe 1998 method 3)
def wilson(x, n, z=z975):
    p = x / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return c - h, c + h

# Newcombe 1998 method 10 (hybrid score)
def newcombe(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return d, d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)

out["newcombe_56_70_48_80"] = newcombe(56, 70, 48, 80)  # paper: 0.0524, 0.3339
out["newcombe_b2b"] = newcombe(60, 1200, 38, 1150)
out["wilson_0_40"] = wilson(0, 40)

# delta-method relative lift
def rel(x1, n1, x2, n2):
    pt, pc = x1 / n1, x2 / n2
    g = np.array([1 / pc, -pt / pc**2])  # gradient of pt/pc
    cov = np.diag([pt * (1 - pt) / n1, pc * (1 - pc) / n2])
    se = math.sqrt(g @ cov @ g)
    r = pt / pc - 1
    return r, r - z975 * se, r + z975 * se
out["relative_b2b"] = rel(60, 1200, 38, 1150)

# pooled two-proportion z-test
def ztest(x1, n1, x2, n2):
    p = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return z, 2 * stats.norm.sf(abs(z))
out["ztest_b2b"] = ztest(60, 1200, 38, 1150)
out["ztest_far"] = ztest(400, 1000, 100, 1000)

# revenue per prospect: Welch normal interval from explicit per-unit revenue vectors
rt = np.zeros(1200); rt[:60] = np.linspace(1000, 30000, 60)
rc = np.zeros(1150); rc[:38] = np.linspace(2000, 25000, 38)
diff = rt.mean() - rc.mean()
se = math.sqrt(rt.var(ddof=1) / 1200 + rc.var(ddof=1) / 1150)
out["revenue"] = {"sum_t": rt.sum(), "sumsq_t": (rt**2).sum(), "sum_c": rc.sum(), "sumsq_c": (rc**2).sum(),
                  "diff": diff, "lo": diff - z975 * se, "hi": diff + z975 * se}

# asymptotic confidence sequence (Waudby-Smith et al. 2023, eqs. 9 and 161)
def cs(x1, n1, x2, n2, N, alpha):
    pt, pc = x1 / n1, x2 / n2
    n = n1 + n2
    s2 = (pt * (1 - pt) / n1 + pc * (1 - pc) / n2) * n
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / N)
    h = math.sqrt(s2) * math.sqrt(2 * (n * rho**2 + 1) / (n * rho) ** 2 * math.log(math.sqrt(n * rho**2 + 1) / alpha))
    return pt - pc, pt - pc - h, pt - pc + h
out["cs_b2b"] = cs(60, 1200, 38, 1150, 5000, 0.05)
out["cs_big"] = cs(900, 10000, 700, 10000, 20000, 0.05)

# SRM chi-square goodness of fit
c = stats.chisquare([4550, 5450], f_exp=[5000, 5000])
out["srm_45_55"] = (c.statistic, c.pvalue)
c = stats.chisquare([1020, 980], f_exp=[1000, 1000])
out["srm_ok"] = (c.statistic, c.pvalue)
c = stats.chisquare([310, 290, 400], f_exp=[300, 300, 400])
out["srm_3"] = (c.statistic, c.pvalue)

# Benjamini-Hochberg
ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04]
out["bh"] = list(stats.false_discovery_control(ps, method="bh"))

# minimum detectable effect and prospects needed
k = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
out["mde_anchor"] = k * math.sqrt(0.05 * 0.95 * (2 / 400))
out["needed"] = k**2 * 0.05 * 0.95 * (1 / 0.8 + 1 / 0.2) / 0.01**2

# Beta-Binomial method of moments (Kleinman 1973), posterior means and 95% credible intervals
groups = [(3, 40), (10, 60), (1, 25), (30, 150), (0, 12), (8, 45)]
x = np.array([g[0] for g in groups], float); n = np.array([g[1] for g in groups], float)
N, k_ = n.sum(), len(n)
p = x.sum() / N
S = (n * (x / n - p) ** 2).sum()
rho = (S / (p * (1 - p)) - (k_ - 1)) / (N - k_ + 1 - (n**2).sum() / N)
m = 1 / rho - 1
a, b = p * m, (1 - p) * m
out["shrink"] = {"rho": rho, "alpha": a, "beta": b,
                 "means": list((a + x) / (a + b + n)),
                 "lo": list(stats.beta.ppf(0.025, a + x, b + n - x)),
                 "hi": list(stats.beta.ppf(0.975, a + x, b + n - x))}

print(json.dumps(out, indent=1, default=float))

"""W5 in PyTorch: the reverse-mode hypergradient of a small problem over a long horizon, T in 250 ... 4000.

The project's workload (`bilevel bench horizon`): per-example weights of a weighted ridge regression, 50 examples x
10 features, L = 1/2 sum_i sigmoid(gamma_i) (x_i^T w - y_i)^2 + (mu/2) |w|^2 with mu = 1, E = 1/2 |X_v w - y_v|^2,
w_0 = 0; gradient descent with the fixed step 1/L, L the largest eigenvalue of the inner Hessian at the initial
gamma; the hypergradient dE/dgamma in reverse mode; float64. The data and the initial gamma are the project's own
(java.util.Random(5): the true w, X, X_v, the noise of y and of y_v, gamma, all standard normal; noise 0.5), and L
comes from the same power iteration, so the numbers can be compared with the project's.

Written as a PyTorch user writes it: the inner loop unrolled with torch.autograd.grad(..., create_graph=True), then
torch.autograd.grad of E with respect to gamma. Each T is timed in turn, ascending; the peak resident memory is the
process's so far, so each figure covers the smaller T too. The sanity figures: the hypergradient's norm, and its
distance to the closed-form hypergradient at the inner minimum (which it approaches as T grows).
"""

import math

from peers_common import JavaRandom, emit, measure, parser, setup

N, D, MU, NOISE = 50, 10, 1.0, 0.5


def problem():
    """(x, y, xv, yv, gamma0) as nested lists, from the project's generator and in its order."""
    rng = JavaRandom(5)
    w = [rng.next_gaussian() for _ in range(D)]
    x = [rng.next_gaussian() for _ in range(N * D)]
    xv = [rng.next_gaussian() for _ in range(N * D)]

    def targets(features):
        t = []
        for i in range(N):
            s = 0.0
            for j in range(D):
                s += features[i * D + j] * w[j]
            t.append(s + NOISE * rng.next_gaussian())
        return t

    y = targets(x)
    yv = targets(xv)
    gamma0 = [rng.next_gaussian() for _ in range(N)]
    return x, y, xv, yv, gamma0


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def lipschitz(x, gamma):
    """The largest eigenvalue of X^T diag(sigmoid(gamma)) X + mu I, by the project's power iteration."""
    h = [[0.0] * D for _ in range(D)]
    for i in range(N):
        s = sigmoid(gamma[i])
        for a in range(D):
            for b in range(D):
                h[a][b] += s * x[i * D + a] * x[i * D + b]
    for a in range(D):
        h[a][a] += MU
    v = [1.0 / math.sqrt(D)] * D
    value = 0.0
    for _ in range(1000):
        wv = [0.0] * D
        for i in range(D):
            for j in range(D):
                wv[i] += h[i][j] * v[j]
        norm = math.sqrt(sum(e * e for e in wv))
        v = [e / norm for e in wv]
        if abs(norm - value) <= 1e-15 * norm:
            return norm
        value = norm
    return value


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--horizons", default="250,500,1000,2000,4000",
                   help="inner horizons T, comma-separated (default 250,500,1000,2000,4000)")
    args = p.parse_args()
    horizons = [int(t) for t in args.horizons.split(",")]
    torch = setup(args)

    xl, yl, xvl, yvl, gamma0 = problem()
    step = 1.0 / lipschitz(xl, gamma0)
    f64 = torch.float64
    x = torch.tensor(xl, dtype=f64).reshape(N, D)
    xv = torch.tensor(xvl, dtype=f64).reshape(N, D)
    y = torch.tensor(yl, dtype=f64).reshape(N, 1)
    yv = torch.tensor(yvl, dtype=f64).reshape(N, 1)

    def inner_loss(w, gamma):
        r = x @ w - y
        return 0.5 * (torch.sigmoid(gamma).reshape(N, 1) * r.square()).sum() + 0.5 * MU * w.square().sum()

    def outer_loss(w):
        return 0.5 * (xv @ w - yv).square().sum()

    def closed_form():
        g = torch.tensor(gamma0, dtype=f64)
        s = torch.sigmoid(g)
        h = x.T @ (s.reshape(N, 1) * x) + MU * torch.eye(D, dtype=f64)
        w_star = torch.linalg.solve(h, x.T @ (s.reshape(N, 1) * y))
        q = torch.linalg.solve(h, xv.T @ (xv @ w_star - yv))
        return -(x @ q).reshape(N) * (x @ w_star - y).reshape(N) * s * (1 - s)

    exact = closed_form()

    def hypergradient(t):
        gamma = torch.tensor(gamma0, dtype=f64, requires_grad=True)
        w = torch.zeros(D, 1, dtype=f64, requires_grad=True)
        for _ in range(t):
            (g,) = torch.autograd.grad(inner_loss(w, gamma), w, create_graph=True)
            w = w - step * g
        (hg,) = torch.autograd.grad(outer_loss(w), gamma)
        return hg

    for t in horizons:
        times, hg = measure(lambda: hypergradient(t), args.repeats, args.warmup)
        emit("W5 horizon", "T=%d reverse, float64, 50x10 weights" % t, times, args.threads,
             horizon=t, hypergradient_norm=hg.norm().item(),
             distance_to_closed_form=(hg - exact).norm().item(), closed_form_norm=exact.norm().item())


if __name__ == "__main__":
    main()

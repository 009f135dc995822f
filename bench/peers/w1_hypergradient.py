"""W1 in PyTorch: the reverse-mode hypergradient of per-example weights of softmax regression, 5,000 x 784, T = 100.

The project's workload (`bilevel bench hypergradient`): fixed data of 5,000 training and 5,000 validation examples,
784 features uniform in [0, 1), 10 classes; one weight per training example, the hyperparameter, all 0.5;
inner loss sum(weights * cross-entropy) / n over (W [784 x 10], b [10]) from zeros; gradient descent with the fixed
learning rate 0.1 for T = 100 steps; outer objective the mean cross-entropy on the validation set; float32.
The data is the project's own: java.util.Random(1), training features, then validation features, then the labels
(one training and one validation label at a time).

Written as a PyTorch user writes it: the inner loop unrolled with torch.autograd.grad(..., create_graph=True), then
torch.autograd.grad of the outer objective with respect to the weights. PyTorch keeps every step's graph; the
project's reference row (store=states) keeps the T states and recomputes each step's graph on the way back.
"""

from peers_common import JavaRandom, emit, measure, parser, setup

N, FEATURES, CLASSES, T, LR = 5000, 784, 10, 100, 0.1


def data(torch):
    rng = JavaRandom(1)
    x = rng.next_doubles(N * FEATURES)
    xv = rng.next_doubles(N * FEATURES)
    y, yv = [], []
    for _ in range(N):
        y.append(rng.next_int(CLASSES))
        yv.append(rng.next_int(CLASSES))
    f32 = torch.float32
    return (torch.from_numpy(x).reshape(N, FEATURES).to(f32), torch.tensor(y),
            torch.from_numpy(xv).reshape(N, FEATURES).to(f32), torch.tensor(yv))


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--all", action="store_true",
                   help="also time the T forward steps alone and the hypergradient with the learning rate as a "
                        "hyperparameter too (as the project's other W1 rows)")
    args = p.parse_args()
    torch = setup(args)
    import torch.nn.functional as F

    x, y, xv, yv = data(torch)

    def hypergradient(lr_is_hyper=False, differentiate=True):
        weights = torch.full((N,), 0.5, requires_grad=True)
        lr = torch.tensor(LR, requires_grad=True) if lr_is_hyper else LR
        w = torch.zeros(FEATURES, CLASSES, requires_grad=True)
        b = torch.zeros(CLASSES, requires_grad=True)
        for _ in range(T):
            ce = F.cross_entropy(x @ w + b, y, reduction="none")
            inner = (weights * ce).sum() / N
            gw, gb = torch.autograd.grad(inner, (w, b), create_graph=differentiate)
            w, b = w - lr * gw, b - lr * gb
            if not differentiate:  # the forward steps alone: no graph kept across steps
                w, b = w.detach().requires_grad_(), b.detach().requires_grad_()
        outer = F.cross_entropy(xv @ w + b, yv)
        if not differentiate:
            return {"outer": outer.item()}
        hyper = [weights, lr] if lr_is_hyper else [weights]
        grads = torch.autograd.grad(outer, hyper)
        out = {"outer": outer.item(), "hypergradient_norm": grads[0].norm().item()}
        if lr_is_hyper:
            out["lr_hypergradient"] = grads[1].item()
        return out

    variants = [("T=100 reverse mode (unrolled autograd)", lambda: hypergradient())]
    if args.all:
        variants.insert(0, ("T=100 forward steps alone", lambda: hypergradient(differentiate=False)))
        variants.append(("T=100 reverse mode, +lr", lambda: hypergradient(lr_is_hyper=True)))
    for name, body in variants:
        times, result = measure(body, args.repeats, args.warmup)
        emit("W1 hypergradient", name, times, args.threads, **result)


if __name__ == "__main__":
    main()

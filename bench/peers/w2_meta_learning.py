"""W2 in PyTorch: one outer iteration of Omniglot 5-way 1-shot hyper-representation learning, meta-batch 4, T = 5.

The project's workload (`bilevel bench meta-learning`): per task, 5 support images (one per class) and 75 queries
(15 per class), 28 x 28, one channel; the representation, the hyperparameters, is 4 x [3 x 3 convolution, 64
filters, stride 2, padding 1, no bias; batch normalization with the batch statistics of the task's 80 images
(biased variance, epsilon 1e-5) and a learned scale and shift; ReLU], flattened: 28 -> 14 -> 7 -> 4 -> 2, so
64 * 2 * 2 = 256 features, computed once per task for support and queries together. Filters start He-normal
(std sqrt(2 / (in * 9))), scales at 1, shifts at 0. The inner problem trains a linear classifier (256 x 5 and
5, from zeros) on the support features by gradient descent, mean cross-entropy, T = 5 steps, with the learning
rate 0.4 a hyperparameter too; the outer objective is the mean cross-entropy on the queries. Timed: the
hypergradients of the meta-batch's 4 tasks (here summed, one backward pass); float32.

The images are random (uniform in [0, 1)), not Omniglot drawings: the time does not depend on the pixel values.
New images are drawn before each run, outside the timed part, as the project samples new episodes.

Written as a PyTorch user writes it: F.conv2d and F.batch_norm(training=True), the inner loop unrolled with
torch.autograd.grad(..., create_graph=True), then torch.autograd.grad of the summed query losses with respect to
the representation's weights and the learning rate.
"""

from peers_common import emit, measure, parser, setup

WAYS, SHOTS, QUERIES, META_BATCH, T = 5, 1, 15, 4, 5
SIDE, FILTERS, LAYERS, LR, EPS = 28, 64, 4, 0.4, 1e-5


def main():
    args = parser(__doc__.splitlines()[0]).parse_args()
    torch = setup(args)
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(17)
    filters, scales, shifts = [], [], []
    channels = 1
    for _ in range(LAYERS):
        std = (2.0 / (channels * 9)) ** 0.5
        filters.append((torch.randn(FILTERS, channels, 3, 3, generator=gen) * std).requires_grad_())
        scales.append(torch.ones(FILTERS, requires_grad=True))
        shifts.append(torch.zeros(FILTERS, requires_grad=True))
        channels = FILTERS
    lr = torch.tensor(LR, requires_grad=True)
    hyper = filters + scales + shifts + [lr]

    def represent(images):
        h = images
        for f, scale, shift in zip(filters, scales, shifts):
            h = F.conv2d(h, f, stride=2, padding=1)
            h = F.relu(F.batch_norm(h, None, None, scale, shift, training=True, eps=EPS))
        return h.flatten(1)

    n_support, n_query = WAYS * SHOTS, WAYS * QUERIES
    support_labels = torch.arange(WAYS).repeat_interleave(SHOTS)
    query_labels = torch.arange(WAYS).repeat_interleave(QUERIES)
    tasks = []

    def sample():
        tasks.clear()
        for _ in range(META_BATCH):
            tasks.append(torch.rand(n_support + n_query, 1, SIDE, SIDE, generator=gen))

    def meta_hypergradient():
        meta_loss = 0
        for images in tasks:
            features = represent(images)
            fs, fq = features[:n_support], features[n_support:]
            w = torch.zeros(features.shape[1], WAYS, requires_grad=True)
            b = torch.zeros(WAYS, requires_grad=True)
            for _ in range(T):
                inner = F.cross_entropy(fs @ w + b, support_labels)
                gw, gb = torch.autograd.grad(inner, (w, b), create_graph=True)
                w, b = w - lr * gw, b - lr * gb
            meta_loss = meta_loss + F.cross_entropy(fq @ w + b, query_labels)
        grads = torch.autograd.grad(meta_loss, hyper)
        norm = sum(g.pow(2).sum() for g in grads[:-1]).sqrt()
        return {"outer_sum": meta_loss.item(), "hypergradient_norm": norm.item(), "lr_hypergradient": grads[-1].item()}

    times, result = measure(meta_hypergradient, args.repeats, args.warmup, before=sample)
    emit("W2 meta-learning", "Omniglot 5-way 1-shot, meta-batch 4, T=5", times, args.threads, **result)


if __name__ == "__main__":
    main()

/** Meta-learning experiments (hyper-representations, MAML) and the effect-of-T studies. A plugin: API and data only. */
module io.github.bilevel.plugin.meta {
    requires io.github.bilevel.api;
    requires io.github.bilevel.support;
    requires io.github.bilevel.data;

    exports io.github.bilevel.plugin.meta;

    provides io.github.bilevel.api.experiment.Experiment with
            io.github.bilevel.plugin.meta.OmniglotFewShot,
            io.github.bilevel.plugin.meta.OmniglotMaml,
            io.github.bilevel.plugin.meta.MiniImagenetFewShot,
            io.github.bilevel.plugin.meta.EffectOfT,
            io.github.bilevel.plugin.meta.EffectOfTMeta;
    provides io.github.bilevel.api.task.TaskFactory with io.github.bilevel.plugin.meta.OmniglotTasks,
            io.github.bilevel.plugin.meta.MiniImagenetTasks;
}

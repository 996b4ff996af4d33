//! The parameters of a model made of smaller ones, stated once: a [`Layer`](super::Layer)'s
//! are its neurons', an [`Mlp`](super::Mlp)'s its layers', child by child, in order, each
//! named after its child (`neuron0.`, `layer1.`, …).

use indexmap::IndexMap;

use super::Module;

/// A model whose parameters are its children's, in order. Its [`Module`] methods call these.
/// (They are not a blanket `impl Module`: the docs would then list that impl, over a private
/// trait, instead of `Layer` and `Mlp` among `Module`'s implementors.)
pub(super) trait Children {
    /// The kind of model a child is.
    type Child: Named;

    /// What a child is called in a parameter's name: `neuron` names them `neuron0.`,
    /// `neuron1.`, ….
    const CHILD: &'static str;

    /// The children, in parameter order.
    fn children(&self) -> &[Self::Child];

    /// The children, in parameter order, to update.
    fn children_mut(&mut self) -> &mut [Self::Child];

    /// [`Module::visit_parameters`]: each child's, in order.
    fn visit(&self, f: &mut dyn FnMut(f64)) {
        for child in self.children() {
            child.visit_parameters(f);
        }
    }

    /// [`Module::visit_parameters_mut`]: each child's, in order.
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for child in self.children_mut() {
            child.visit_parameters_mut(f);
        }
    }

    /// [`Module::parameter_count`]: the children's, added up.
    fn count(&self) -> usize {
        self.children().iter().map(Module::parameter_count).sum()
    }

    /// The prefix of child `i`'s parameter names after the model's own `prefix`:
    /// `{prefix}{CHILD}{i}.`.
    fn child_prefix(prefix: &str, i: usize) -> String {
        format!("{prefix}{}{i}.", Self::CHILD)
    }
}

/// A model that names its parameters after a prefix: what
/// [`Module::named_parameters`] is made of, for a model and for the model it is part of.
pub(super) trait Named: Module {
    /// Inserts every parameter into `out`, in order, as `{prefix}{its name}`.
    fn name_parameters(&self, prefix: &str, out: &mut IndexMap<String, f64>);

    /// [`Module::named_parameters`]: every parameter by its name, in order.
    fn names(&self) -> IndexMap<String, f64> {
        let mut out = IndexMap::with_capacity(self.parameter_count());
        self.name_parameters("", &mut out);
        out
    }
}

impl<M: Children + Module> Named for M {
    fn name_parameters(&self, prefix: &str, out: &mut IndexMap<String, f64>) {
        for (i, child) in self.children().iter().enumerate() {
            child.name_parameters(&M::child_prefix(prefix, i), out);
        }
    }
}

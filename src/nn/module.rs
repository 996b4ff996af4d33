//! The contracts every model keeps: [`Module`] (parameters in one order), [`Forward`] (the
//! pass on a tape) and [`Recorded`] (a model with its parameters on a tape).

use std::fmt;

use indexmap::IndexMap;

use crate::{Error, Gradients, Tape, Value};

/// Something with trainable `f64` parameters in one fixed order: what optimizers update.
///
/// The visitors, [`parameters`](Module::parameters), [`named_parameters`](Module::named_parameters)
/// and [`set_parameters`](Module::set_parameters) all use the same order; for the models in
/// this module it is layer by layer, neuron by neuron, each neuron's weights then its bias.
/// The trait is object safe, so optimizers take `&mut dyn Module`.
///
/// To make your own model, implement the three required methods (keeping the order
/// consistent), and [`Forward`] to use [`record`](Module::record)'s `forward`.
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
///
/// let mut n = Neuron::from_parts(vec![0.5, -1.0], 0.25, Activation::Tanh);
/// assert_eq!(n.parameters(), vec![0.5, -1.0, 0.25]);
/// assert_eq!(n.named_parameters()["b"], 0.25);
/// n.set_parameters(&[1.0, 2.0, 3.0])?;
/// assert_eq!((n.weights(), n.bias()), (&[1.0, 2.0][..], 3.0));
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub trait Module {
    /// Calls `f` with every parameter, in order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, -2.0], 0.5, Activation::Tanh);
    /// let mut sum_of_squares = 0.0;
    /// n.visit_parameters(&mut |p| sum_of_squares += p * p);
    /// assert_eq!(sum_of_squares, 5.25);
    /// ```
    fn visit_parameters(&self, f: &mut dyn FnMut(f64));

    /// Calls `f` with a mutable reference to every parameter, in order: how optimizers update
    /// a model without copying its parameters out and back.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut n = Neuron::from_parts(vec![1.0, -2.0], 0.5, Activation::Tanh);
    /// n.visit_parameters_mut(&mut |p| *p *= 2.0);
    /// assert_eq!(n.parameters(), vec![2.0, -4.0, 1.0]);
    /// ```
    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64));

    /// The model's state dict: every parameter by name, in parameter order
    /// (`layer0.neuron1.w0`, `layer0.neuron1.b`, … for an [`Mlp`](super::Mlp)), as PyTorch's
    /// `state_dict()` and `named_parameters()` give them. An [`IndexMap`] keeps that order and
    /// looks a parameter up by name; [`load_named_parameters`](Module::load_named_parameters)
    /// takes one back. Allocates a string per parameter: for printing and saving, not for the
    /// training loop.
    ///
    /// To implement it, collect the pairs: `[("a".to_string(), self.a)].into_iter().collect()`.
    /// Every parameter needs a name of its own.
    ///
    /// ```
    /// use tapegrad::rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation::{Linear, Tanh}, Init, Mlp, Module};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(2, &[3, 1], Tanh, Linear, Init::Micrograd, &mut rng)?;
    /// let named = mlp.named_parameters();
    /// let names: Vec<&str> = named.keys().map(String::as_str).collect();
    /// assert_eq!(names[..3], ["layer0.neuron0.w0", "layer0.neuron0.w1", "layer0.neuron0.b"]);
    /// assert_eq!(names[3], "layer0.neuron1.w0");
    /// assert_eq!(names.last(), Some(&"layer1.neuron0.b"));
    /// assert_eq!(named["layer0.neuron0.b"], 0.0); // Init::Micrograd's bias
    /// assert_eq!(named.values().copied().collect::<Vec<_>>(), mlp.parameters());
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[doc(alias = "state_dict")]
    fn named_parameters(&self) -> IndexMap<String, f64>;

    /// Loads a state dict made by [`named_parameters`](Module::named_parameters) (this
    /// model's or another of the same architecture), with PyTorch's strict
    /// `load_state_dict`: every parameter of the model must be named in `named`, and nothing
    /// else may be. The map's order does not matter; each value goes where its name says.
    ///
    /// # Errors
    /// [`Error::ParameterNames`] listing the missing and the unexpected names;
    /// [`Error::NonFiniteParameter`] naming the first NaN or infinite value, in parameter
    /// order; [`Error::InvalidArgument`] if the model names two parameters alike. On any
    /// error the model is unchanged.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut n = Neuron::from_parts(vec![0.0, 0.0], 0.0, Activation::Linear);
    /// let saved = Neuron::from_parts(vec![1.5, -2.0], 0.25, Activation::Linear);
    /// n.load_named_parameters(&saved.named_parameters())?;
    /// assert_eq!(n.parameters(), [1.5, -2.0, 0.25]);
    ///
    /// let mut wrong = saved.named_parameters();
    /// wrong.shift_remove("b");
    /// wrong.insert("bias".to_string(), 1.0);
    /// assert_eq!(
    ///     n.load_named_parameters(&wrong).unwrap_err().to_string(),
    ///     "parameter names do not match the model: missing b; unexpected bias; \
    ///      the model was left unchanged"
    /// );
    /// assert_eq!(n.parameters(), [1.5, -2.0, 0.25]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[doc(alias = "load_state_dict")]
    fn load_named_parameters(&mut self, named: &IndexMap<String, f64>) -> Result<(), Error> {
        let mine = self.named_parameters();
        let count = self.parameter_count();
        if mine.len() != count {
            return Err(Error::InvalidArgument(format!(
                "the model has {count} parameters but names only {} apart; \
                 give every parameter a name of its own",
                mine.len()
            )));
        }
        let absent = |names: &IndexMap<String, f64>, from: &IndexMap<String, f64>| -> Vec<String> {
            names
                .keys()
                .filter(|k| !from.contains_key(*k))
                .cloned()
                .collect()
        };
        let (missing, unexpected) = (absent(&mine, named), absent(named, &mine));
        if !missing.is_empty() || !unexpected.is_empty() {
            return Err(Error::ParameterNames {
                missing,
                unexpected,
            });
        }
        let values: Vec<f64> = mine.keys().map(|k| named[k]).collect();
        self.set_parameters(&values)
    }

    /// How many parameters there are. The default counts them with
    /// [`visit_parameters`](Module::visit_parameters); the models here answer without visiting.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![0.0; 3], 0.0, Activation::Relu);
    /// assert_eq!(n.parameter_count(), 4);
    /// ```
    fn parameter_count(&self) -> usize {
        let mut n = 0;
        self.visit_parameters(&mut |_| n += 1);
        n
    }

    /// A copy of every parameter, in order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 2.0], 3.0, Activation::Linear);
    /// assert_eq!(n.parameters(), vec![1.0, 2.0, 3.0]);
    /// ```
    fn parameters(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.parameter_count());
        self.visit_parameters(&mut |p| out.push(p));
        out
    }

    /// Overwrites every parameter, in order, with `values`.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] if `values` does not hold exactly
    /// [`parameter_count`](Module::parameter_count) numbers; [`Error::NonFiniteParameter`]
    /// naming the first NaN or infinite value. The model is then unchanged.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut n = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
    /// n.set_parameters(&[2.0, -1.0])?;
    /// assert_eq!(n.parameters(), vec![2.0, -1.0]);
    /// assert_eq!(
    ///     n.set_parameters(&[1.0]),
    ///     Err(tapegrad::Error::ParameterCount { expected: 2, got: 1 })
    /// );
    /// assert_eq!(
    ///     n.set_parameters(&[1.0, f64::INFINITY]).unwrap_err().to_string(),
    ///     "parameter 1 (b) would be inf: a model holds finite numbers only; \
    ///      the model was left unchanged"
    /// );
    /// assert_eq!(n.parameters(), vec![2.0, -1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn set_parameters(&mut self, values: &[f64]) -> Result<(), Error> {
        let expected = self.parameter_count();
        if values.len() != expected {
            return Err(Error::ParameterCount {
                expected,
                got: values.len(),
            });
        }
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteParameter {
                index,
                name: parameter_name(self, index),
                value: values[index],
            });
        }
        let mut it = values.iter();
        self.visit_parameters_mut(&mut |p| {
            if let Some(&v) = it.next() {
                *p = v;
            }
        });
        Ok(())
    }

    /// Records every parameter on `tape` as a [`Tape::var`], in order, and binds them to the
    /// model: the start of a training step. The result runs the forward pass and reads the
    /// parameters' gradients. It borrows the model (nothing of the model is copied: one
    /// vector holds the recorded parameters), so read the gradients before the update
    /// changes the model. No labels are attached (they allocate); see
    /// [`record_labeled`](Module::record_labeled).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0, -1.0], 0.5, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[3.0, 4.0])?[0]; // 2·3 - 1·4 + 0.5
    /// assert_eq!(y.data(), 2.5);
    /// assert_eq!(net.gradients(&y.backward()), vec![3.0, 4.0, 1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn record<'t>(&self, tape: &'t Tape) -> Recorded<'t, '_, Self>
    where
        Self: Sized,
    {
        let mut params = Vec::with_capacity(self.parameter_count());
        self.visit_parameters(&mut |p| params.push(tape.var(p)));
        Recorded {
            model: self,
            tape,
            params,
        }
    }

    /// Like [`record`](Module::record), but labels each parameter with its name, so traces
    /// and Graphviz pictures show `layer0.neuron1.w0` instead of `#7`. For teaching: it
    /// allocates a string per parameter.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], 0.5, Activation::Tanh);
    /// let tape = Tape::new();
    /// let net = n.record_labeled(&tape);
    /// assert_eq!(net.params()[1].label().as_deref(), Some("b"));
    /// ```
    fn record_labeled<'t>(&self, tape: &'t Tape) -> Recorded<'t, '_, Self>
    where
        Self: Sized,
    {
        let params = self
            .named_parameters()
            .iter()
            .map(|(name, p)| tape.var(*p).with_label(name))
            .collect();
        Recorded {
            model: self,
            tape,
            params,
        }
    }
}

/// A model's forward pass: the contract every model keeps, stated once.
///
/// A model implements two things: [`nin`](Forward::nin), how many inputs it reads, and
/// [`forward_unchecked`](Forward::forward_unchecked), the pass itself. The trait provides the
/// rest once for every model, yours included: [`forward`](Forward::forward) checks the lengths
/// and refuses NaN or infinite inputs before it runs the pass, [`predict`](Forward::predict)
/// runs it on plain numbers, and [`Recorded::forward`] runs it on a training step's tape.
///
/// Every model gives one [`Value`] per output, in a `Vec` (a [`Neuron`](super::Neuron) gives
/// one), so a function over any model is one bound, `M: Forward`, and reads its outputs the
/// same way whatever the model:
///
/// ```
/// use tapegrad::{Error, nn::{Activation, Forward, Layer, Mlp, Neuron}};
///
/// /// The first output of any model, for each input.
/// fn scores<M: Forward>(model: &M, xs: &[[f64; 1]]) -> Result<Vec<f64>, Error> {
///     xs.iter().map(|x| Ok(model.predict(x)?[0])).collect()
/// }
///
/// let neuron = Neuron::from_parts(vec![2.0], 1.0, Activation::Linear);
/// let layer = Layer::from_neurons(vec![neuron.clone()])?;
/// let mlp = Mlp::from_layers(vec![layer.clone()])?;
/// assert_eq!(scores(&neuron, &[[3.0], [-1.0]])?, [7.0, -1.0]);
/// assert_eq!(scores(&layer, &[[3.0]])?, [7.0]);
/// assert_eq!(scores(&mlp, &[[3.0]])?, [7.0]);
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// A model of your own (here y = a·x²) implements the two methods; note the lifetime `'t`
/// on the method, where the trait has it:
///
/// ```
/// use tapegrad::{Tape, Value, nn::{Forward, Module}};
///
/// #[derive(Clone, Debug)]
/// struct Quadratic { a: f64 }
///
/// impl Module for Quadratic {
///     fn visit_parameters(&self, f: &mut dyn FnMut(f64)) { f(self.a) }
///     fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) { f(&mut self.a) }
///     fn named_parameters(&self) -> tapegrad::indexmap::IndexMap<String, f64> {
///         [("a".to_string(), self.a)].into_iter().collect()
///     }
/// }
///
/// impl Forward for Quadratic {
///     fn nin(&self) -> usize { 1 }
///     fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
///         vec![params[0] * inputs[0].powi(2)]
///     }
/// }
///
/// let q = Quadratic { a: 3.0 };
/// assert_eq!(q.predict(&[2.0])?, [12.0]);
/// assert_eq!(q.predict(&[1.0, 2.0]).unwrap_err(), tapegrad::Error::InputSize { expected: 1, got: 2 });
/// let tape = Tape::new();
/// let net = q.record(&tape);
/// let y = net.forward_f64(&[2.0])?[0];
/// assert_eq!(net.gradients(&y.backward()), [4.0]); // dy/da = x²
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub trait Forward: Module {
    /// How many inputs the model reads.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Forward, Neuron};
    ///
    /// assert_eq!(Neuron::from_parts(vec![0.0; 5], 0.0, Activation::Relu).nin(), 5);
    /// ```
    fn nin(&self) -> usize;

    /// The pass itself, for `params` (this model's parameters as recorded values, in
    /// parameter order) and `inputs` whose lengths and values [`forward`](Forward::forward)
    /// has checked: one value per output. Call `forward`; implement this.
    ///
    /// # Panics
    /// May panic (or index out of bounds) if called directly with slices of the wrong
    /// lengths; if `params` and `inputs` hold values recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Forward, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0], 0.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let y = n.forward_unchecked(&tape.vars(&[2.0, -1.0]), &[3.0.into()]);
    /// assert_eq!(y[0].data(), 5.0);
    /// ```
    #[track_caller]
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>>;

    /// [`forward_unchecked`](Forward::forward_unchecked), with the outputs written into
    /// `out` (whatever it held is replaced) instead of a new vector: what
    /// [`forward_into`](Forward::forward_into) runs. The default calls `forward_unchecked`;
    /// a model that can run its pass in `out`'s memory overrides it, so that a training loop
    /// reusing `out` allocates nothing (the models in this module do).
    ///
    /// # Panics
    /// As [`forward_unchecked`](Forward::forward_unchecked).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Forward, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0], 0.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let mut out = vec![tapegrad::Value::constant(9.0)];
    /// n.forward_unchecked_into(&tape.vars(&[2.0, -1.0]), &[3.0.into()], &mut out);
    /// assert_eq!((out.len(), out[0].data()), (1, 5.0));
    /// ```
    #[track_caller]
    fn forward_unchecked_into<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
        out: &mut Vec<Value<'t>>,
    ) {
        out.clear();
        out.extend(self.forward_unchecked(params, inputs));
    }

    /// Runs the model with `params` (this model's parameters as recorded values, in
    /// parameter order, usually from [`Module::record`]) on `inputs`: one value per output.
    /// Nothing is truncated, and nothing is recorded when it fails.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] unless `params` holds
    /// [`parameter_count`](Module::parameter_count) values; [`Error::InputSize`] unless
    /// `inputs` holds [`nin`](Forward::nin); [`Error::NonFiniteInput`] if an input is NaN or
    /// infinite.
    ///
    /// # Panics
    /// If `params` and `inputs` hold values recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Forward, Layer, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
    /// let layer = Layer::from_neurons(vec![n.clone(), n])?;
    /// let tape = Tape::new();
    /// let p = tape.vars(&[2.0, 1.0, -2.0, 0.0]); // neuron0: w0, b; neuron1: w0, b
    /// let y = layer.forward(&p, &[3.0.into()])?;
    /// assert_eq!((y[0].data(), y[1].data()), (7.0, -6.0));
    /// assert_eq!(
    ///     layer.forward(&p[..3], &[3.0.into()]).unwrap_err(),
    ///     tapegrad::Error::ParameterCount { expected: 4, got: 3 }
    /// );
    /// assert_eq!(
    ///     layer.forward(&p, &[3.0.into(), 1.0.into()]).unwrap_err(),
    ///     tapegrad::Error::InputSize { expected: 1, got: 2 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Vec<Value<'t>>, Error> {
        expect_params(self.parameter_count(), params.len())?;
        expect_inputs(self.nin(), inputs.len())?;
        expect_finite(inputs)?;
        Ok(self.forward_unchecked(params, inputs))
    }

    /// [`forward`](Forward::forward), with the outputs written into `out` (whatever it held
    /// is replaced): a loop that keeps `out` from one call to the next runs the pass of the
    /// models in this module without allocating. Nothing is recorded when it fails.
    ///
    /// # Errors
    /// As [`forward`](Forward::forward); `out` is then left empty.
    ///
    /// # Panics
    /// If `params` and `inputs` hold values recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation::{Linear, Relu}, Forward, Mlp, Module}};
    ///
    /// let mlp = Mlp::builder(2).hidden(&[3], Relu).output(1, Linear).seed(1).build()?;
    /// let tape = Tape::new();
    /// let p = tape.vars(&mlp.parameters());
    /// let mut out = Vec::new();
    /// for x in [[0.5, -1.0], [2.0, 0.25]] {
    ///     mlp.forward_into(&p, &[x[0].into(), x[1].into()], &mut out)?;
    ///     assert_eq!(out[0].data(), mlp.predict(&x)?[0]);
    /// }
    /// assert!(mlp.forward_into(&p, &[1.0.into()], &mut out).is_err());
    /// assert!(out.is_empty());
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    fn forward_into<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
        out: &mut Vec<Value<'t>>,
    ) -> Result<(), Error> {
        out.clear();
        expect_params(self.parameter_count(), params.len())?;
        expect_inputs(self.nin(), inputs.len())?;
        expect_finite(inputs)?;
        self.forward_unchecked_into(params, inputs, out);
        Ok(())
    }

    /// The model's outputs for plain inputs, without a tape: bit for bit the values
    /// [`forward`](Forward::forward) records (the same code runs on constants that live on
    /// no tape). For accuracy, decision boundaries and inference.
    ///
    /// # Errors
    /// [`Error::InputSize`] unless `inputs` holds [`nin`](Forward::nin);
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Forward, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Linear);
    /// assert_eq!(n.predict(&[3.0])?, [5.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn predict(&self, inputs: &[f64]) -> Result<Vec<f64>, Error> {
        let params = constants(&self.parameters());
        let out = self.forward(&params, &constants(inputs))?;
        Ok(out.iter().map(|v| v.data()).collect())
    }
}

/// A model with its parameters recorded on a tape, made by [`Module::record`]: one training
/// step's view of the model.
///
/// It borrows the tape and the model, and holds the recorded parameters (nothing of the
/// model is copied). Read the gradients from it, then update the model: the update needs
/// the model back, so it comes after the view's last use.
///
/// ```
/// use tapegrad::{Tape, loss};
/// use tapegrad::nn::{Activation::{Linear, Tanh}, Mlp, Module};
/// use tapegrad::optim::{Optimizer, Sgd};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let mut model = Mlp::builder(2).hidden(&[4], Tanh).output(1, Linear).seed(3).build()?;
/// let before = model.parameters();
/// let mut opt = Sgd::new(0.1);
/// let tape = Tape::new();
/// let net = model.record(&tape);
/// let loss = loss::half_squared_error(net.forward_f64(&[0.5, -1.0])?[0], 1.0);
/// let gradients = net.gradients(&loss.backward()); // the view's last use
/// opt.step(&mut model, &gradients)?;
/// assert_ne!(model.parameters(), before);
/// assert!(loss.data() > 0.0); // values on the tape outlive the view
/// # Ok(())
/// # }
/// ```
///
/// Updating the model in the same line as reading its gradients does not compile: the
/// update borrows the model exclusively while the view still borrows it.
///
/// ```compile_fail,E0502
/// # use tapegrad::{Tape, nn::{Activation, Module, Neuron}, optim::{Optimizer, Sgd}};
/// let mut model = Neuron::from_parts(vec![2.0], 0.5, Activation::Linear);
/// let tape = Tape::new();
/// let net = model.record(&tape);
/// let y = net.forward_f64(&[3.0]).unwrap()[0];
/// Sgd::new(0.1).step(&mut model, &net.gradients(&y.backward())).unwrap(); // E0502
/// ```
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::{Tape, nn::{Activation, Init, Layer, Module}};
///
/// let mut rng = StdRng::seed_from_u64(1);
/// let layer = Layer::new(3, 2, Activation::Tanh, Init::Xavier, &mut rng)?;
/// let tape = Tape::new();
/// let net = layer.record(&tape);
/// assert_eq!(net.params().len(), 8);
/// let out = net.forward_f64(&[1.0, 2.0, 3.0])?;
/// let g = net.gradients(&(out[0] + out[1]).backward());
/// assert_eq!(g.len(), 8);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub struct Recorded<'t, 'm, M> {
    model: &'m M,
    tape: &'t Tape,
    params: Vec<Value<'t>>,
}

impl<M> fmt::Debug for Recorded<'_, '_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("model", &std::any::type_name::<M>())
            .field("params", &self.params.len())
            .field("tape", &self.tape)
            .finish()
    }
}

impl<'t, 'm, M> Recorded<'t, 'm, M> {
    /// The recorded parameters, in parameter order.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// assert_eq!(net.params().iter().map(|p| p.data()).collect::<Vec<_>>(), [2.0, -1.0]);
    /// ```
    pub fn params(&self) -> &[Value<'t>] {
        &self.params
    }

    /// The model the parameters were recorded from.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Forward, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// assert_eq!(n.record(&tape).model().nin(), 1);
    /// ```
    #[must_use]
    pub fn model(&self) -> &'m M {
        self.model
    }

    /// The tape the parameters are recorded on.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// assert_eq!(n.record(&tape).tape().len(), 2);
    /// ```
    #[must_use]
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// The gradient of the output `grads` was computed for with respect to every parameter,
    /// in parameter order: what [`Optimizer::step`](crate::optim::Optimizer::step) takes.
    ///
    /// # Panics
    /// If `grads` belongs to another tape, or the tape was cleared since (see
    /// [`Gradients::wrt`]).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[5.0])?[0];
    /// assert_eq!(net.gradients(&y.backward()), vec![5.0, 1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    #[track_caller]
    pub fn gradients(&self, grads: &Gradients) -> Vec<f64> {
        grads.wrt_all(&self.params)
    }
}

impl<'t, M: Forward> Recorded<'t, '_, M> {
    /// Runs the model on `inputs` with the recorded parameters.
    ///
    /// # Errors
    /// [`Error::InputSize`] if the model takes a different number of inputs;
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// # Panics
    /// If `inputs` hold values recorded on another tape than the parameters.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let x = tape.vars(&[2.0, 3.0]); // inputs whose gradients we want, too
    /// let y = net.forward(&x)?[0];
    /// assert_eq!(y.backward().wrt(x[0]), 1.0);
    /// assert_eq!(
    ///     net.forward(&x[..1]).unwrap_err(),
    ///     tapegrad::Error::InputSize { expected: 2, got: 1 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn forward(&self, inputs: &[Value<'t>]) -> Result<Vec<Value<'t>>, Error> {
        self.model.forward(&self.params, inputs)
    }

    /// Runs the model on plain numbers. They enter as constants on no tape, so they add no
    /// nodes (their gradients are not needed to train).
    ///
    /// # Errors
    /// [`Error::InputSize`] if the model takes a different number of inputs;
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[2.0, 3.0])?[0];
    /// assert_eq!(y.data(), 5.0);
    /// assert_eq!(tape.len(), 4); // three parameters and one affine node
    /// assert_eq!(
    ///     net.forward_f64(&[2.0, f64::INFINITY]).unwrap_err().to_string(),
    ///     "input 1 is inf: a network takes finite numbers only; look for NaN or infinite \
    ///      values in the data (a failed parse, a division by zero, ln of 0)"
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn forward_f64(&self, inputs: &[f64]) -> Result<Vec<Value<'t>>, Error> {
        let xs: Vec<Value<'t>> = inputs.iter().map(|&x| Value::constant(x)).collect();
        self.forward(&xs)
    }
}

/// Checks a parameter slice's length.
pub(super) fn expect_params(expected: usize, got: usize) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::ParameterCount { expected, got })
    }
}

/// Checks an input slice's length.
pub(super) fn expect_inputs(expected: usize, got: usize) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::InputSize { expected, got })
    }
}

/// Refuses a NaN or infinite input, naming its position: the one rule every forward pass,
/// and so every training loop, goes through.
pub(super) fn expect_finite(inputs: &[Value<'_>]) -> Result<(), Error> {
    match inputs.iter().position(|x| !x.data().is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFiniteInput {
            index,
            value: inputs[index].data(),
        }),
    }
}

/// Parameter `i`'s name, for messages (allocates: error paths only).
pub(crate) fn parameter_name<M: Module + ?Sized>(model: &M, i: usize) -> String {
    model
        .named_parameters()
        .get_index(i)
        .map_or_else(|| format!("#{i}"), |(name, _)| name.clone())
}

/// `[f64]` inputs as constants on no tape.
pub(super) fn constants(xs: &[f64]) -> Vec<Value<'static>> {
    xs.iter().map(|&x| Value::constant(x)).collect()
}

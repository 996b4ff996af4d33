//! The settings of a run: their names, ranges and defaults (API.md's table), and how a partial
//! JSON object changes them, refusing a bad value with the field and its allowed range.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// A setting chosen from a few names: the names, in order, and how each is written.
pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the order the allowed list names them.
    const ALL: &'static [Self];
    /// The value's name, as JSON and the URL write it.
    fn name(self) -> &'static str;
}

/// Declares an enum of named choices with its [`Choice`] and `Serialize` (as its name).
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $(#[doc = $text] $variant),+
        }
        impl Choice for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}

choice!(
    /// Which points to learn.
    Dataset { Circle = "circle", Xor = "xor", Gauss = "gauss", Spiral = "spiral", Plane = "plane",
              MultiGauss = "multigauss", Csv = "csv" }
);
choice!(
    /// What the network sees of a point (x1, x2).
    Feature { X1 = "x1", X2 = "x2", X1Sq = "x1sq", X2Sq = "x2sq", X1X2 = "x1x2", SinX1 = "sinx1",
              SinX2 = "sinx2" }
);
choice!(
    /// The hidden layers' nonlinearity.
    Activation { Tanh = "tanh", Relu = "relu", Sigmoid = "sigmoid", Linear = "linear" }
);
choice!(
    /// The penalty on the weights.
    Reg { None = "none", L1 = "l1", L2 = "l2" }
);
choice!(
    /// The per-sample loss.
    LossKind { Mse = "mse", Bce = "bce", Hinge = "hinge" }
);
choice!(
    /// How gradients become updates.
    OptimizerKind { Sgd = "sgd", Momentum = "momentum", Adam = "adam" }
);

impl Dataset {
    /// Whether the labels are numbers to fit rather than two classes.
    pub fn is_regression(self) -> bool {
        matches!(self, Dataset::Plane | Dataset::MultiGauss)
    }
}

impl Feature {
    /// The feature's value at (x, y).
    pub fn of(self, x: f64, y: f64) -> f64 {
        match self {
            Feature::X1 => x,
            Feature::X2 => y,
            Feature::X1Sq => x * x,
            Feature::X2Sq => y * y,
            Feature::X1X2 => x * y,
            Feature::SinX1 => x.sin(),
            Feature::SinX2 => y.sin(),
        }
    }

    /// The largest |value| over [-6, 6]²: what its map is divided by to fill [-1, 1].
    pub fn range(self) -> f64 {
        match self {
            Feature::X1 | Feature::X2 => 6.0,
            Feature::X1Sq | Feature::X2Sq | Feature::X1X2 => 36.0,
            Feature::SinX1 | Feature::SinX2 => 1.0,
        }
    }
}

impl Activation {
    /// The library's activation of the same name.
    pub fn library(self) -> tapegrad::nn::Activation {
        use tapegrad::nn::Activation as A;
        match self {
            Activation::Tanh => A::Tanh,
            Activation::Relu => A::Relu,
            Activation::Sigmoid => A::Sigmoid,
            Activation::Linear => A::Linear,
        }
    }
}

/// Every setting of a run (API.md, "Settings").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    pub dataset: Dataset,
    pub noise: u32,
    pub train_pct: u32,
    pub batch: u32,
    pub features: Vec<Feature>,
    pub hidden: Vec<u32>,
    pub activation: Activation,
    pub lr: f64,
    pub reg: Reg,
    pub reg_rate: f64,
    pub loss: LossKind,
    pub optimizer: OptimizerKind,
    pub seed: u32,
}

impl Default for Settings {
    /// The TensorFlow Playground's defaults.
    fn default() -> Self {
        Settings {
            dataset: Dataset::Circle,
            noise: 0,
            train_pct: 50,
            batch: 10,
            features: vec![Feature::X1, Feature::X2],
            hidden: vec![4, 2],
            activation: Activation::Tanh,
            lr: 0.03,
            reg: Reg::None,
            reg_rate: 0.0,
            loss: LossKind::Mse,
            optimizer: OptimizerKind::Sgd,
            seed: 1,
        }
    }
}

/// What a change of settings asks of the run, the strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// From the next step (lr, batch, reg, reg_rate, optimizer), or nothing changed.
    NextStep,
    /// A new network (features, hidden, activation, loss).
    ResetNetwork,
    /// New data and a new network (dataset, noise, train_pct, seed).
    Regenerate,
}

/// The allowed values of each setting, as error messages and API.md state them.
pub const NOISE: &str = "an integer from 0 to 50";
pub const TRAIN_PCT: &str = "an integer from 10 to 90";
/// The smallest and largest `train_pct`.
pub const TRAIN_PCT_MIN: u32 = 10;
pub const TRAIN_PCT_MAX: u32 = 90;
pub const BATCH: &str = "an integer from 1 to 30";
pub const HIDDEN: &str = "a list of 0 to 6 integers, each from 1 to 8";
pub const LR: &str = "a number from 0.00001 to 10";
pub const REG_RATE: &str = "a number from 0 to 10";
pub const SEED: &str = "an integer from 0 to 4294967295";
pub const MAX_LAYERS: usize = 6;
pub const MAX_WIDTH: u64 = 8;

/// The names of the settings, in API.md's order.
const NAMES: [&str; 13] = [
    "dataset",
    "noise",
    "train_pct",
    "batch",
    "features",
    "hidden",
    "activation",
    "lr",
    "reg",
    "reg_rate",
    "loss",
    "optimizer",
    "seed",
];

/// "one of a, b, c" for a choice.
pub fn one_of<T: Choice>() -> String {
    let names: Vec<&str> = T::ALL.iter().map(|c| c.name()).collect();
    format!("one of {}", names.join(", "))
}

fn choice<T: Choice>(field: &str, v: &Value) -> Result<T, ApiError> {
    v.as_str()
        .and_then(|s| T::ALL.iter().copied().find(|c| c.name() == s))
        .ok_or_else(|| ApiError::bad_value(field, &one_of::<T>(), v))
}

/// An integer in `lo..=hi`.
pub fn integer(field: &str, allowed: &str, v: &Value, lo: u64, hi: u64) -> Result<u64, ApiError> {
    v.as_u64()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| ApiError::bad_value(field, allowed, v))
}

/// A finite number in `lo..=hi`.
pub fn number(field: &str, allowed: &str, v: &Value, lo: f64, hi: f64) -> Result<f64, ApiError> {
    v.as_f64()
        .filter(|x| x.is_finite() && (lo..=hi).contains(x))
        .ok_or_else(|| ApiError::bad_value(field, allowed, v))
}

fn features(v: &Value) -> Result<Vec<Feature>, ApiError> {
    let allowed = format!(
        "a non-empty list of distinct names, each {}",
        one_of::<Feature>()
    );
    let bad = || ApiError::bad_value("features", &allowed, v);
    let items = v.as_array().filter(|a| !a.is_empty()).ok_or_else(bad)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let f: Feature = choice("features", item).map_err(|_| bad())?;
        if out.contains(&f) {
            return Err(bad());
        }
        out.push(f);
    }
    Ok(out)
}

fn hidden(v: &Value) -> Result<Vec<u32>, ApiError> {
    let bad = || ApiError::bad_value("hidden", HIDDEN, v);
    let items = v
        .as_array()
        .filter(|a| a.len() <= MAX_LAYERS)
        .ok_or_else(bad)?;
    items
        .iter()
        .map(|w| {
            w.as_u64()
                .filter(|w| (1..=MAX_WIDTH).contains(w))
                .map(|w| w as u32)
                .ok_or_else(bad)
        })
        .collect()
}

/// Parses a request body as a JSON object: malformed JSON and anything but an object are 400.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            format!("the body must be a JSON object, got {}", kind(&other)),
        )),
        Err(e) => Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            format!("malformed JSON: {e}"),
        )),
    }
}

/// "a number", "an array", … for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Settings {
    /// These settings with the fields `changes` names set to its values, and the strongest
    /// effect of what actually changed. Refuses an unknown field or a bad value, naming it;
    /// the checks that involve two fields (a loss that needs two classes) are left to the
    /// caller, who knows the data.
    pub fn with(&self, changes: &Map<String, Value>) -> Result<(Settings, Effect), ApiError> {
        let mut s = self.clone();
        for (field, v) in changes {
            match field.as_str() {
                "dataset" => s.dataset = choice("dataset", v)?,
                "noise" => s.noise = integer("noise", NOISE, v, 0, 50)? as u32,
                "train_pct" => {
                    s.train_pct = integer(
                        "train_pct",
                        TRAIN_PCT,
                        v,
                        TRAIN_PCT_MIN.into(),
                        TRAIN_PCT_MAX.into(),
                    )? as u32
                }
                "batch" => s.batch = integer("batch", BATCH, v, 1, 30)? as u32,
                "features" => s.features = features(v)?,
                "hidden" => s.hidden = hidden(v)?,
                "activation" => s.activation = choice("activation", v)?,
                "lr" => s.lr = number("lr", LR, v, 1e-5, 10.0)?,
                "reg" => s.reg = choice("reg", v)?,
                "reg_rate" => s.reg_rate = number("reg_rate", REG_RATE, v, 0.0, 10.0)?,
                "loss" => s.loss = choice("loss", v)?,
                "optimizer" => s.optimizer = choice("optimizer", v)?,
                "seed" => s.seed = integer("seed", SEED, v, 0, u64::from(u32::MAX))? as u32,
                _ => {
                    let allowed = format!("one of {}", NAMES.join(", "));
                    return Err(ApiError::invalid(
                        field,
                        &allowed,
                        format!(
                            "unknown setting `{field}`; the settings are {}",
                            NAMES.join(", ")
                        ),
                    ));
                }
            }
        }
        if s.dataset.is_regression() && s.loss != LossKind::Mse {
            return Err(ApiError::invalid(
                "loss",
                "mse for the regression sets (plane, multigauss)",
                format!(
                    "loss {} is for two classes; {} is a regression set: use mse",
                    s.loss.name(),
                    s.dataset.name()
                ),
            ));
        }
        let effect = if (s.dataset, s.noise, s.train_pct, s.seed)
            != (self.dataset, self.noise, self.train_pct, self.seed)
        {
            Effect::Regenerate
        } else if (&s.features, &s.hidden, s.activation, s.loss)
            != (&self.features, &self.hidden, self.activation, self.loss)
        {
            Effect::ResetNetwork
        } else {
            Effect::NextStep
        };
        Ok((s, effect))
    }
}

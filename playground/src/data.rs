//! The points of a run: generated from the settings (the library's `datasets`: the
//! Playground's 500 points for two classes, 1,200 for regression) or uploaded as CSV, shuffled
//! with the seed and split into training and test points.

use axum::http::StatusCode;
use serde::Serialize;
use tapegrad::datasets::{self, Playground, Point};
use tapegrad::rand::seq::SliceRandom;
use tapegrad::rand::{SeedableRng, rngs::StdRng};

use crate::error::ApiError;
use crate::settings::{Dataset, Settings, TRAIN_PCT_MAX, TRAIN_PCT_MIN};

/// The most points an uploaded CSV may hold.
pub const MAX_CSV_POINTS: usize = 5000;
/// Half the side of the square the page draws, [-6, 6]²: uploaded points must lie in it.
pub const HALF: f64 = 6.0;

/// The training and test points, labels as the network learns them: ±1 for two classes,
/// numbers for regression.
#[derive(Clone, Debug)]
pub struct Data {
    pub train: Vec<Point>,
    pub test: Vec<Point>,
    pub regression: bool,
}

/// The `data` event: points as `[x, y, label]`.
#[derive(Serialize)]
pub struct DataJson {
    train: Vec<[f64; 3]>,
    test: Vec<[f64; 3]>,
    problem: &'static str,
}

impl Data {
    /// The points `settings` describe; `csv` holds the uploaded points, if any.
    pub fn new(settings: &Settings, csv: Option<&[Point]>) -> Result<Data, ApiError> {
        let fraction = f64::from(settings.train_pct) / 100.0;
        let seed = u64::from(settings.seed);
        let mut rng = StdRng::seed_from_u64(seed);
        let noise = f64::from(settings.noise) / 100.0;
        let library = |e: tapegrad::Error| ApiError::new(StatusCode::BAD_REQUEST, e.to_string());
        let kind = match settings.dataset {
            Dataset::Circle => Playground::Circle,
            Dataset::Xor => Playground::Xor,
            Dataset::Gauss => Playground::Gauss,
            Dataset::Spiral => Playground::Spiral,
            Dataset::Plane => Playground::Plane,
            Dataset::MultiGauss => Playground::MultiGauss,
            Dataset::Csv => {
                let Some(points) = csv else {
                    return Err(ApiError::invalid(
                        "dataset",
                        "csv after an upload (POST /api/sessions/{id}/data)",
                        "dataset csv needs an upload first: POST the file to \
                         /api/sessions/{id}/data"
                            .to_string(),
                    ));
                };
                let split =
                    datasets::split_shuffled(points.to_vec(), fraction, seed).map_err(library)?;
                if split.train.is_empty() || split.test.is_empty() {
                    return Err(empty_side(points.len(), settings.train_pct));
                }
                return Ok(Data {
                    train: split.train,
                    test: split.test,
                    regression: false,
                });
            }
        };
        let n = if kind.is_regression() {
            datasets::PLAYGROUND_REGRESSION_SAMPLES
        } else {
            datasets::PLAYGROUND_SAMPLES
        };
        let mut points = kind.generate(n, noise, &mut rng).map_err(library)?;
        points.shuffle(&mut rng);
        let split = datasets::split(points, fraction).map_err(library)?;
        Ok(Data {
            train: split.train,
            test: split.test,
            regression: settings.dataset.is_regression(),
        })
    }

    /// The `data` event's JSON.
    pub fn json(&self) -> DataJson {
        let rows = |ps: &[Point]| ps.iter().map(|p| [p.x, p.y, p.label]).collect();
        DataJson {
            train: rows(&self.train),
            test: rows(&self.test),
            problem: if self.regression {
                "regression"
            } else {
                "classification"
            },
        }
    }
}

/// How many of `n` points the library's split at `train_pct` puts on each side.
fn sides(n: usize, train_pct: u32) -> (usize, usize) {
    // A fraction from 0.1 to 0.9 is always one `split` takes.
    let split = datasets::split(vec![(); n], f64::from(train_pct) / 100.0);
    split.map_or((0, n), |s| (s.train.len(), s.test.len()))
}

/// The refusal of `train_pct` for `n` uploaded points when it leaves the training or the test
/// set empty, with the values that leave neither empty.
fn empty_side(n: usize, train_pct: u32) -> ApiError {
    let (train, test) = sides(n, train_pct);
    let side = if train == 0 { "training" } else { "test" };
    let fits: Vec<u32> = (TRAIN_PCT_MIN..=TRAIN_PCT_MAX)
        .filter(|&p| {
            let (train, test) = sides(n, p);
            train > 0 && test > 0
        })
        .collect();
    let (allowed, fix) = match (fits.first(), fits.last()) {
        (Some(lo), Some(hi)) => (
            format!("an integer from {lo} to {hi} for {n} points"),
            format!("set train_pct from {lo} to {hi}, or upload more points"),
        ),
        _ => (
            format!("none for {n} points"),
            "upload more points".to_string(),
        ),
    };
    ApiError::invalid(
        "train_pct",
        &allowed,
        format!(
            "train_pct {train_pct} leaves the {side} set empty: the uploaded data holds {n} \
             points, {train} to train on and {test} to test on; {fix}"
        ),
    )
}

/// Reads an uploaded CSV (the library's format), with labels mapped to ±1 (a 0/1 file's 0
/// becomes −1). Refuses more than [`MAX_CSV_POINTS`] points (413) and points outside the
/// drawn square (400).
pub fn read_csv(body: &[u8]) -> Result<Vec<Point>, ApiError> {
    let bad = |e: String| ApiError::invalid("csv", "x,y,label rows with x and y from -6 to 6", e);
    let text =
        std::str::from_utf8(body).map_err(|e| bad(format!("the CSV is not UTF-8 text: {e}")))?;
    let mut points = datasets::from_csv_str(text).map_err(|e| bad(e.to_string()))?;
    if points.len() > MAX_CSV_POINTS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the CSV holds {} points; a session takes at most {MAX_CSV_POINTS}",
                points.len()
            ),
        ));
    }
    if let Some((i, p)) = points
        .iter()
        .enumerate()
        .find(|(_, p)| p.x.abs() > HALF || p.y.abs() > HALF)
    {
        return Err(bad(format!(
            "point {} of the CSV, ({}, {}), lies outside [-6, 6]², the square the page draws; \
             scale the data into it",
            i + 1,
            p.x,
            p.y
        )));
    }
    for p in &mut points {
        if p.label == 0.0 {
            p.label = -1.0;
        }
    }
    Ok(points)
}

//! After criterion has run, reads back the medians it wrote and prints the issue's
//! comparisons as one table: ratios between implementations measured in the same run, and
//! whether each target is met.
//!
//! Criterion writes `<group>/<function>/new/estimates.json` under its output directory; only
//! files written by this run are read, so a filtered run (`cargo bench --bench training --
//! demo`) prints only what it measured.

#![allow(dead_code)] // each bench uses a part of it

use std::path::PathBuf;
use std::time::SystemTime;

/// Where criterion keeps its results, found the way criterion finds it: `$CRITERION_HOME`,
/// else `$CARGO_TARGET_DIR/criterion`, else `criterion/` in the target directory this bench
/// binary was built in (`<target>/release/deps/<bench>`).
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(|t| t.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// The run's results, with the time it started.
pub struct Results {
    home: PathBuf,
    started: SystemTime,
}

impl Results {
    /// Call before the benchmarks run.
    pub fn start() -> Self {
        Results {
            home: criterion_home(),
            started: SystemTime::now(),
        }
    }

    /// The median time of one iteration of `group/function` in seconds, if this run measured
    /// it.
    pub fn median(&self, group: &str, function: &str) -> Option<f64> {
        let path = self
            .home
            .join(group)
            .join(function)
            .join("new")
            .join("estimates.json");
        let written = std::fs::metadata(&path).ok()?.modified().ok()?;
        if written < self.started {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        point_estimate(&text, "median").map(|ns| ns * 1e-9)
    }
}

/// The `point_estimate` of the estimate named `name` in criterion's `estimates.json`, in
/// nanoseconds: `{"mean":{…,"point_estimate":1.0,…},"median":{…},…}`.
fn point_estimate(json: &str, name: &str) -> Option<f64> {
    let at = json.find(&format!("\"{name}\":"))?;
    let rest = &json[at..];
    let value = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// A time in seconds, readably.
pub fn time(s: f64) -> String {
    if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// "met" or "MISSED".
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The 10th percentile, the median and the 90th percentile of `ratios` (sorted here).
pub fn percentiles(ratios: &mut [f64]) -> [f64; 3] {
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    [ratios[n / 10], ratios[n / 2], ratios[n - 1 - n / 10]]
}

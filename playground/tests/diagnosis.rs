//! The live diagnosis through the API: every change to a paused run gets a checkup of its own,
//! and the frame that ends it says `checking: false` (API.md, "The event stream").

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;

/// A run whose tanh units saturate within a few epochs: findings to compare.
const SATURATING: &str = r#"{"lr": 3, "hidden": [4, 4, 4]}"#;

/// The frame that ends the checkup under way.
async fn checked(app: &axum::Router, id: &str) -> Value {
    let f = wait_for(app, id, Duration::from_secs(60), |f| f["checking"] == false).await;
    assert_eq!(f["checking"], false, "no checkup ended in 60 s");
    f
}

#[tokio::test]
async fn each_step_of_a_paused_run_gets_findings_of_its_own() {
    let app = server();
    // Five steps in a row, each arriving while the last one's checkup may still run...
    let quick = session(&app, SATURATING).await;
    for _ in 0..5 {
        control(&app, &quick, "step").await;
    }
    let quick = checked(&app, &quick).await;
    // ...end on the findings of the same run stepped one checkup at a time.
    let slow = session(&app, SATURATING).await;
    for _ in 0..5 {
        control(&app, &slow, "step").await;
        checked(&app, &slow).await;
    }
    let slow = checked(&app, &slow).await;
    assert_eq!(quick["epoch"], 5);
    assert_eq!(shown_parameters(&quick), shown_parameters(&slow));
    assert!(
        !quick["findings"].as_array().unwrap().is_empty(),
        "no findings to compare"
    );
    assert_eq!(quick["findings"], slow["findings"]);
}

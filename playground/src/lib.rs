//! The Backprop Playground's server: a local web page where a network trained by tapegrad
//! learns live. The routes and the JSON they speak are described in `API.md`; the page lives
//! in `static/` and is embedded in the binary.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8020").await?;
//! axum::serve(listener, tapegrad_playground::app(tapegrad_playground::Config::default())).await
//! # }
//! ```

use std::time::Duration;

mod assets;
mod data;
mod diagnosis;
mod error;
mod frame;
mod inspect;
mod network;
mod routes;
mod session;
mod settings;
mod trainer;

pub use routes::app;

/// The server's limits.
///
/// ```
/// let config = tapegrad_playground::Config::default();
/// assert_eq!(config.max_sessions, 16);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// How many sessions (browser tabs) may live at once; past that, creating one is a 503.
    pub max_sessions: usize,
    /// A session ends once no event stream has been connected to it for this long.
    pub idle_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_sessions: 16,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

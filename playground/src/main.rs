//! `tapegrad-playground`: serves the Backprop Playground on 127.0.0.1 and prints its address.

use std::error::Error;
use std::net::IpAddr;

const USAGE: &str = "\
The Backprop Playground: a local web page where a network trained by tapegrad learns live.

usage: cargo run --release -p tapegrad-playground -- [flags]

  --port N     the port to listen on; 0 picks a free one     default 8020
  --host ADDR  the address to listen on                      default 127.0.0.1
               (anything but a loopback address lets other machines train on yours)
  --help       prints this";

fn main() -> Result<(), Box<dyn Error>> {
    let (host, port) = match flags() {
        Ok(Some(flags)) => flags,
        Ok(None) => {
            println!("{USAGE}");
            return Ok(());
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    if !host.is_loopback() {
        eprintln!(
            "warning: listening on {host}, not a loopback address: anyone who can reach this \
             machine can open sessions and train on it"
        );
    }
    tokio::runtime::Runtime::new()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind((host, port)).await?;
        let addr = listener.local_addr()?;
        println!("http://{addr}");
        let app = tapegrad_playground::app(tapegrad_playground::Config::default());
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(())
}

/// `(host, port)` from the command line, or `None` for `--help`.
fn flags() -> Result<Option<(IpAddr, u16)>, lexopt::Error> {
    use lexopt::prelude::*;
    let mut host = IpAddr::from([127, 0, 0, 1]);
    let mut port = 8020;
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("port") => port = parser.value()?.parse()?,
            Long("host") => host = parser.value()?.parse()?,
            Long("help") | Short('h') => return Ok(None),
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Some((host, port)))
}

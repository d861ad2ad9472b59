//! Loads a Cargo project's crate graph and prints it with the time it took (an ad-hoc timing,
//! not a test): `cargo run -p dynlens-loader --example load_project [--release] -- <dir> [runs]`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".into());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);

    let started = Instant::now();
    let config = dynlens_loader::ProjectConfig::from_env();
    let config_time = started.elapsed();

    let mut times = Vec::new();
    let mut load = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let loaded = dynlens_loader::load_project_with(dir.as_ref(), &config);
        times.push(started.elapsed());
        load = Some(loaded);
    }
    let load = match load.expect("one run") {
        Ok(load) => load,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    for (id, c) in load.graph.iter() {
        let deps: Vec<String> = c
            .deps
            .iter()
            .map(|d| format!("{}={}", d.extern_name, d.krate.0))
            .collect();
        println!(
            "{:>3} {:<16} {:<10} {:?} {:?} {:?} {}\n      deps: {}",
            id.0,
            c.name,
            c.version.as_deref().unwrap_or("-"),
            c.kind,
            c.origin,
            c.edition,
            c.root.display(),
            deps.join(" ")
        );
    }
    for warning in &load.warnings {
        println!("warning: {warning}");
    }
    let first = times[0];
    times.sort();
    println!(
        "{} crates, {} inputs; ProjectConfig::from_env (rust-src probe): {config_time:?}; \
         load over {} runs: first {:?}, min {:?}, median {:?}, max {:?}",
        load.graph.len(),
        load.inputs.len(),
        times.len(),
        first,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
    );
}

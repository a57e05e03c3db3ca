//! Builds a store of heavy use through the real writer (`benches/support/year.rs`) and prints
//! its size per typed character after a clean close:
//! `cargo run --release -p mindgap --example year_store -- HOME ROOT DAYS CHARS_PER_DAY ACTIVE`

#[path = "../benches/support/year.rs"]
mod year;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let home = std::path::PathBuf::from(&a[1]);
    let (days, per_day, active) = (
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
        a[5].parse().unwrap(),
    );
    let (typed, events) = year::build(&home, &a[2], days, per_day, active);
    let size = std::fs::metadata(home.join("mindgap.db")).unwrap().len();
    println!(
        "typed={typed} events={events} bytes={size} bytes_per_typed_char={:.2}",
        size as f64 / typed as f64
    );
}

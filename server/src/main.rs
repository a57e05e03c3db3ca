fn main() {
    std::process::exit(mindgap::cli::main(std::env::args_os().collect()));
}

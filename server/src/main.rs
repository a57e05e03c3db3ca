//! The `mindgap` binary: the command line (`cli`) with the process's arguments and exit code.

fn main() {
    std::process::exit(mindgap::cli::main(std::env::args_os().collect()));
}

//! The `writ` command line: a thin layer over the gateway, policy and store
//! crates. It parses arguments, finds writ's home, and prints.

mod cli;
mod hook;
mod install;

fn main() -> std::process::ExitCode {
    cli::main()
}

fn main() {
    std::process::exit(dataskydd::cli::main());
}

#include "app/cli.hpp"

int main(int argc, char** argv) {
    return cis::app::run_cli(argc, argv);
}

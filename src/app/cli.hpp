#pragma once
// The `cis` command line: parses options, builds the Config, runs one command.
namespace cis::app {
int run_cli(int argc, char** argv);
}

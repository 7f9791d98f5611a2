// The subcommands of the shikong binary. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "app/config.hpp"

namespace shikong::app {

struct CommandLine {
  Config config;
  std::vector<std::string> args;  // what remains after the common options
};

int run_serve(CommandLine& cl);
int run_import(CommandLine& cl);
int run_export(CommandLine& cl);
int run_datasets(CommandLine& cl);
int run_info(CommandLine& cl);
int run_user(CommandLine& cl);     // user add|list|passwd|delete
int run_key(CommandLine& cl);      // key add|list
int run_tiles(CommandLine& cl);    // tiles seed
int run_style(CommandLine& cl);    // style list|put|delete
int run_record(CommandLine& cl);   // record list|show|publish|retire
int run_harvest(CommandLine& cl);  // harvest add|list|run|remove
int run_record(CommandLine& cl);   // record list|show|publish|retire
int run_harvest(CommandLine& cl);  // harvest add|list|run|remove

}  // namespace shikong::app

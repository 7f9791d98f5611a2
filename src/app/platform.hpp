// Process-wide set-up shared by every subcommand: logging, the platform datum and zone, and
// opening the configured store.
#pragma once

#include <memory>

#include "app/config.hpp"
#include "storage/store.hpp"

namespace shikong::app {

void install_logging(const Config& config);
void apply_platform_datum(const Config& config);
std::unique_ptr<storage::Store> open_store(const Config& config);

}  // namespace shikong::app

// A Store that tells a listener about every committed change of a dataset (import or
// replacement, metadata update, deletion), whoever made it: caches keyed by dataset version
// (the tile cache) use it to drop what no version will ask for again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "storage/store.hpp"

namespace shikong::storage {

// current_version is empty when the dataset was deleted.
using DatasetChanged =
    std::function<void(std::string_view dataset_id, std::optional<std::int64_t> current_version)>;

// Wraps `inner` (owned); every Store call is forwarded unchanged. The listener runs after the
// change is committed, on the thread that made it, and must not throw.
std::unique_ptr<Store> with_change_listener(std::unique_ptr<Store> inner, DatasetChanged listener);

}  // namespace shikong::storage

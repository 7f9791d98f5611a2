// Names of the usage kinds as stored in usage_daily and shown in usage statistics.
#include "storage/records.hpp"

namespace shikong::storage {

std::string_view to_string(UsageKind k) {
  switch (k) {
    case UsageKind::view:
      return "view";
    case UsageKind::download:
      return "download";
    case UsageKind::api:
      return "api";
    case UsageKind::tile:
      return "tile";
  }
  return "view";
}

}  // namespace shikong::storage

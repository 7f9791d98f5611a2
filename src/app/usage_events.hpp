// Usage statistics per dataset from the requests the server answered: which datasets a
// successful request used, and as what (view, download, API call, tile or map).
#pragma once

#include <string>
#include <vector>

#include "protocol/request.hpp"
#include "storage/records.hpp"

namespace shikong::app {

struct DatasetUse {
  storage::UsageKind kind = storage::UsageKind::api;
  std::vector<std::string> dataset_ids;  // several when one request used them together
};

// What a request used; empty ids when it used no dataset (or failed). Record pages count
// their own views (api/), so /api/v1/records is not counted here.
DatasetUse dataset_use(const protocol::Request& req, int status);

}  // namespace shikong::app

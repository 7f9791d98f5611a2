// The outbound HTTP/1.1 client (http and https) used by the harvester through the Fetcher
// interface: resolves the host itself and refuses non-public addresses unless the origin is
// allowed, connects only to the address it checked (no DNS rebinding), bounds time, size and
// redirects.
#pragma once

#include "core/fetch.hpp"

namespace shikong::http {

// Blocking; safe to call from several threads. Throws as core/fetch.hpp describes.
FetchResponse fetch(const FetchRequest& request);

}  // namespace shikong::http

// Internal to datum/: the per-thread PROJ context (PROJ objects and contexts are not
// thread-safe) with network access switched off, and a small owner for PJ pointers.
#pragma once

#include <proj.h>

#include <memory>

namespace shikong::datum::detail {

// This thread's context; created on first use with networking disabled and PROJ's messages
// routed to shikong::log at debug level.
PJ_CONTEXT* proj_ctx();

struct PjDeleter {
  void operator()(PJ* p) const { proj_destroy(p); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

}  // namespace shikong::datum::detail

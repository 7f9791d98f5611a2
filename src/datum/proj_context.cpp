// Per-thread PROJ contexts. Networking is disabled so that no CRS text or grid name can make
// the server fetch a URL (see docs SECURITY: a CRS string can be a URL).
#include "datum/proj_context.hpp"

#include "core/log.hpp"

namespace shikong::datum::detail {
namespace {

void on_proj_log(void*, int level, const char* message) {
  // PROJ's own words stay in the log; clients get sentences we write.
  if (level <= PJ_LOG_ERROR) log::debug("PROJ: {}", message ? message : "");
}

struct ThreadContext {
  PJ_CONTEXT* ctx;
  ThreadContext() : ctx(proj_context_create()) {
    proj_context_set_enable_network(ctx, 0);
    proj_log_func(ctx, nullptr, &on_proj_log);
    proj_log_level(ctx, PJ_LOG_ERROR);
  }
  ~ThreadContext() { proj_context_destroy(ctx); }
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;
};

}  // namespace

PJ_CONTEXT* proj_ctx() {
  thread_local ThreadContext t;
  return t.ctx;
}

}  // namespace shikong::datum::detail

// Fuzz target: the JSON object bodies of every /api/v1 write (login, register, keys, grants,
// bans, dataset changes). Construction and every getter throw only shikong::Error (InvalidInput
// or Unsupported), never a simdjson or standard library exception; limits are kept.
#include <cstdint>
#include <string>

#include "api/json_body.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {

template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const InvalidInput&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  protocol::Request req;
  req.method = "POST";
  req.headers.set("Content-Type", "application/json");
  req.body.assign(reinterpret_cast<const char*>(data), size);
  req.body_size = size;
  try {
    api::JsonBody body(req, {"name", "password", "referers", "quotas", "expires", "disabled",
                             "grants", "seconds", "enabled"});
    guarded([&] {
      auto s = body.string("name", 64);
      fuzz::check(!s || s->size() <= 64, "string() exceeded max_bytes");
    });
    guarded([&] { (void)body.required_string("password", 1024); });
    guarded([&] {
      auto v = body.strings("referers", 5, 32);
      fuzz::check(!v || v->size() <= 5, "strings() exceeded max_items");
      if (v)
        for (const auto& s : *v) fuzz::check(s.size() <= 32, "strings() exceeded max_bytes");
    });
    guarded([&] {
      auto q = body.counts("quotas", 6);
      fuzz::check(!q || q->size() <= 6, "counts() exceeded max_items");
      if (q)
        for (const auto& [k, n] : *q) fuzz::check(n >= 0, "counts() returned a negative count");
    });
    guarded([&] {
      auto n = body.integer("seconds", 1, 86400);
      fuzz::check(!n || (*n >= 1 && *n <= 86400), "integer() outside its bounds");
    });
    guarded([&] { (void)body.boolean("disabled"); });
    guarded([&] { (void)body.boolean("enabled"); });
    guarded([&] { (void)body.is_null("expires"); });
    guarded([&] {
      auto g = body.records("grants", {"kind", "grantee"}, 10, 64);
      fuzz::check(!g || g->size() <= 10, "records() exceeded max_items");
      if (g)
        for (const auto& r : *g) fuzz::check(r.size() == 2, "a record without exactly its members");
    });
  } catch (const InvalidInput&) {
  } catch (const Unsupported&) {
    fuzz::fail("application/json refused as a media type");
  }
  return 0;
}

// Reading the JSON object bodies of /api/v1 writes: the media type, an object at the top, only
// the members an operation knows (else 400 naming the member) and each member's type.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request.hpp"

namespace shikong::api {

// A parsed request body. Each getter returns nullopt when the member is absent and throws
// InvalidInput naming the member when it has the wrong type or size; `required` getters throw
// InvalidInput("missing-parameter") when it is absent.
class JsonBody {
 public:
  // Throws Unsupported (415) unless Content-Type is application/json or a +json type, and
  // InvalidInput when the body is not JSON, not an object, or names a member not in `known`.
  JsonBody(const protocol::Request& req, std::initializer_list<std::string_view> known);
  ~JsonBody();
  JsonBody(const JsonBody&) = delete;
  JsonBody& operator=(const JsonBody&) = delete;

  bool has(std::string_view name) const;
  bool is_null(std::string_view name) const;  // present with the value null

  std::optional<std::string> string(std::string_view name, std::size_t max_bytes = 1024) const;
  std::string required_string(std::string_view name, std::size_t max_bytes = 1024) const;
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min,
                                      std::int64_t max) const;
  std::optional<std::vector<std::string>> strings(std::string_view name, std::size_t max_items,
                                                  std::size_t max_bytes = 1024) const;
  // An object of non-negative integers ({"tiles": 10000}).
  std::optional<std::map<std::string, std::int64_t>> counts(std::string_view name,
                                                            std::size_t max_items) const;
  // An array of objects, each with exactly the string members in `members` (all required).
  std::optional<std::vector<std::map<std::string, std::string>>> records(
      std::string_view name, std::initializer_list<std::string_view> members, std::size_t max_items,
      std::size_t max_bytes = 1024) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The body's media type is JSON (application/json, application/merge-patch+json, ...).
bool is_json_media_type(std::string_view content_type);

}  // namespace shikong::api
